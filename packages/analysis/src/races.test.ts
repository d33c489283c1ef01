// races() (rw-race and ww-conflict) on a turn far bigger than any hand-written test: the sweep of
// first-concurrent.ts keeps it to seconds where comparing every reader with every writer took minutes.
import { describe, expect, it } from 'vitest';
import { analyzeEvents } from './analyze.ts';
import { traceBuilder } from './testing/trace-builder.ts';

describe('rw-race and ww-conflict on a big turn', () => {
  it('analyzes 20,000 calls touching 16 shared keys each in seconds, not the minute a pairwise scan takes', () => {
    const n = 20_000;
    const ids = Array.from({ length: n }, (_, i) => `c${i}`);
    const b = traceBuilder()
      .req(1)
      .res(1, ...ids);
    const keys16 = Array.from({ length: 16 }, (_, k) => `key${k}`);
    // Writers run one after another, then readers: no pair overlaps, so a pairwise scan sees every pair.
    for (let i = 0; i < n; i++) {
      const own = keys16.map((key) => ({ key, version: i }));
      b.start(1, ids[i]!).end(1, ids[i]!, i < n / 2 ? { writes: own } : { reads: own });
    }
    // The pairwise version took 16-19 s on this input; the suite's test timeout bounds it.
    const report = analyzeEvents(b.events);
    expect(report.anomalies.filter((a) => a.type === 'rw-race' || a.type === 'ww-conflict')).toEqual([]);
  });
});
