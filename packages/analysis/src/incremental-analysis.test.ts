// The live analyzer against full analysis: for random traces fed in random batches (in order, out of
// order, with repeats), after every batch it must give exactly what analyzeEvents gives on the whole.
import { readdirSync, readFileSync } from 'node:fs';
import { readTraceText, type TraceEvent } from '@causelane/trace-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeEvents } from './analyze.ts';
import { anomalyKey } from './anomaly.ts';
import { IncrementalAnalysis } from './incremental-analysis.ts';
import { arbitraryEventBody } from './testing/arbitrary-events.ts';
import { FAULT_ANOMALY, type FaultType, synthesizeRun } from './testing/synth.ts';
import { traceBuilder } from './testing/trace-builder.ts';

const faults = Object.keys(FAULT_ANOMALY) as FaultType[];

/** Any schema-valid event with small ids and turns, so references collide often. */
const anyEvent = (run: string) =>
  arbitraryEventBody({
    ids: ['a', 'b', 'c', 'd'],
    maxTurn: 4,
    extra: [
      fc.record({ type: fc.constant('run.start'), agent: fc.constantFrom('a1', 'a2') }),
      fc.record({ type: fc.constant('run.end'), status: fc.constantFrom('ok', 'error') }),
    ],
  }).map((body) => ({ v: 1, run, t: 0, ...body }));
/** Seqs with gaps, and wall clocks out of order (they are never used for ordering). */
const anyTrace = fc
  .array(fc.tuple(anyEvent('r'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 50 })), {
    maxLength: 60,
  })
  .map((rows) => {
    let seq = 0;
    return rows.map(([e, gap, t]) => {
      seq += gap;
      return { ...e, seq, t } as unknown as TraceEvent;
    });
  });
const synthTrace = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    turns: fc.integer({ min: 1, max: 8 }),
    maxCalls: fc.integer({ min: 1, max: 6 }),
    keys: fc.integer({ min: 1, max: 3 }),
    timeoutRate: fc.constantFrom(0, 0.2),
    faults: fc.subarray(faults, { maxLength: 4 }),
  })
  .map((s) => synthesizeRun({ ...s, run: 'r' }));

/** Cuts the events into batches; `disorder` swaps neighbours and `repeats` re-sends earlier events. */
const batchesOf = (events: TraceEvent[]) =>
  fc
    .record({
      cuts: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 40 }),
      swaps: fc.array(fc.nat(), { maxLength: 6 }),
      repeats: fc.array(fc.nat(), { maxLength: 6 }),
    })
    .map(({ cuts, swaps, repeats }) => {
      const order = [...events];
      for (const s of swaps) {
        if (order.length < 2) break;
        const i = s % (order.length - 1);
        [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
      }
      const out: TraceEvent[][] = [];
      let at = 0;
      for (let k = 0; at < order.length; k++) {
        const size = cuts[k % cuts.length]!;
        out.push(order.slice(at, at + size));
        at += size;
      }
      for (const r of repeats)
        if (out.length > 0 && events.length > 0) out[r % out.length]!.push(events[r % events.length]!);
      return out;
    });

/** Feeds the batches and checks the result against full analysis after each; returns the analyzer. */
function feed(batches: TraceEvent[][], readEvery: boolean): IncrementalAnalysis {
  const inc = new IncrementalAnalysis('r');
  const seen: TraceEvent[] = [];
  for (const [k, batch] of batches.entries()) {
    inc.add(batch);
    seen.push(...batch);
    if (!readEvery && k < batches.length - 1) continue;
    const full = analyzeEvents(seen);
    expect(inc.anomalies()).toEqual(full.anomalies);
    if (full.runs[0]) expect(inc.summary()).toEqual(full.runs[0]);
  }
  return inc;
}

describe('IncrementalAnalysis', () => {
  it('equals full analysis after every batch, whatever the order of the events', () => {
    const trace = fc.oneof(anyTrace, synthTrace);
    fc.assert(
      fc.property(
        trace.chain((events) => fc.tuple(batchesOf(events), fc.boolean())),
        ([batches, readEvery]) => {
          feed(batches, readEvery);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('extends the model in place, without a rebuild, while every batch continues the run', () => {
    fc.assert(
      fc.property(
        fc.oneof(anyTrace, synthTrace).chain((events) =>
          fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }).map((cuts) => {
            const out: TraceEvent[][] = [];
            for (let at = 0, k = 0; at < events.length; k++) {
              out.push(events.slice(at, at + cuts[k % cuts.length]!));
              at += cuts[k % cuts.length]!;
            }
            return out;
          }),
        ),
        (batches) => {
          const inc = feed(batches, true);
          expect(inc.rebuilds).toBe(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('ignores a re-sent batch and another run, and rebuilds only for a seq it did not hold', () => {
    const b = traceBuilder('r').req(1).res(1, 'a', 'b').start(1, 'a').start(1, 'b');
    b.end(1, 'b', { writes: [{ key: 'k', version: 2 }] }).end(1, 'a', { reads: [{ key: 'k', version: 1 }] });
    b.commit(1, 'a').commit(1, 'b').req(2);
    const events = b.events;
    const inc = new IncrementalAnalysis('r', events.slice(0, 6));
    expect(inc.add(events.slice(2, 6))).toBe(false);
    expect(inc.add([{ ...events[6]!, run: 'other' }])).toBe(false);
    expect(inc.add(events.slice(7))).toBe(true);
    expect(inc.rebuilds).toBe(1);
    expect(inc.add([events[6]!])).toBe(true);
    expect(inc.rebuilds).toBe(2);
    expect(inc.anomalies()).toEqual(analyzeEvents(events).anomalies);
    expect(inc.anomalies().map((a) => a.type)).toContain('stale-read');
  });

  it('finds a stale read whose tool.end came after its commit, in a later batch', () => {
    // The commit is folded before the call's reads are known; the later tool.end decides it.
    const b = traceBuilder('r').req(1).res(1, 'w', 'r').start(1, 'w').start(1, 'r');
    b.end(1, 'w', { writes: [{ key: 'k', version: 5 }] })
      .commit(1, 'w')
      .commit(1, 'r');
    const head = b.events.length;
    b.end(1, 'r', { reads: [{ key: 'k', version: 4 }] }).req(2);
    const inc = new IncrementalAnalysis('r', b.events.slice(0, head));
    expect(inc.anomalies().filter((a) => a.type === 'stale-read')).toEqual([]);
    inc.add(b.events.slice(head));
    const full = analyzeEvents(b.events).anomalies;
    expect(full.map((a) => a.type)).toContain('stale-read');
    expect(inc.anomalies()).toEqual(full);
    expect(inc.rebuilds).toBe(1);
  });
});

const dir = new URL('../../../../shared/examples/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.slice(0, -'.jsonl'.length));

describe('IncrementalAnalysis on the public examples', () => {
  it.each(names)('%s, fed in batches of 1, 3 and 7, ends with exactly the expected anomalies', (name) => {
    const { runs, errors } = readTraceText(readFileSync(new URL(`${name}.jsonl`, dir), 'utf8'));
    expect(errors).toEqual([]);
    const expected = JSON.parse(readFileSync(new URL(`${name}.expect.json`, dir), 'utf8')) as {
      anomalies: string[];
    };
    for (const size of [1, 3, 7]) {
      const found: string[] = [];
      for (const [run, events] of runs) {
        const inc = new IncrementalAnalysis(run);
        for (let at = 0; at < events.length; at += size) {
          inc.add(events.slice(at, at + size));
          expect(inc.anomalies()).toEqual(analyzeEvents(events.slice(0, at + size)).anomalies);
        }
        expect(inc.rebuilds).toBe(1);
        found.push(...inc.anomalies().map(anomalyKey));
      }
      expect(found.sort()).toEqual([...expected.anomalies].sort());
    }
  });
});
