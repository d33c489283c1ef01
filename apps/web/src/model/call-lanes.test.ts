import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { readCompactTraceStream, readTraceText } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { seqIndexer } from './call-lanes.ts';
import { buildTimelineColumns } from './timeline-columns.ts';

describe('seqIndexer', () => {
  it('finds dense seqs directly and gapped ones by search, and -1 for a seq not there', () => {
    const dense = seqIndexer(Float64Array.from([5, 6, 7, 8]));
    expect([5, 6, 7, 8].map(dense)).toEqual([0, 1, 2, 3]);
    expect(dense(4)).toBe(-1);
    expect(dense(9)).toBe(-1);
    expect(dense(undefined)).toBe(-1);
    const gapped = seqIndexer(Float64Array.from([0, 2, 3, 10, 11]));
    expect([0, 2, 3, 10, 11].map(gapped)).toEqual([0, 1, 2, 3, 4]);
    // seq 2 sits where a dense guess for 1 would look; 1 itself is absent.
    expect(gapped(1)).toBe(-1);
    expect(gapped(4)).toBe(-1);
    expect(seqIndexer(new Float64Array(0))(0)).toBe(-1);
  });
});

describe('call lanes of a compact run', () => {
  it('gives every event of a call its lane, as for event objects', async () => {
    const ev = (seq: number, body: Record<string, unknown>) =>
      JSON.stringify({ v: 1, run: 'r', seq, t: 1_760_000_000_000 + seq, ...body });
    const text = `${[
      ev(0, { type: 'run.start' }),
      ev(1, { type: 'llm.request', turn: 1 }),
      ev(2, {
        type: 'llm.response',
        turn: 1,
        calls: [
          { id: 'a', name: 'x' },
          { id: 'b', name: 'y' },
        ],
      }),
      ev(3, { type: 'tool.start', turn: 1, call: 'a' }),
      ev(4, { type: 'tool.end', turn: 1, call: 'a', ok: true }),
      // b never starts: a commit before its end.
      ev(5, { type: 'tool.commit', turn: 1, call: 'b' }),
      ev(6, { type: 'tool.end', turn: 1, call: 'b', ok: true }),
      ev(7, { type: 'run.end', status: 'ok' }),
    ].join('\n')}\n`;
    const lanesOf = (src: Parameters<typeof buildRunModel>[1]) => {
      const model = buildRunModel('r', src);
      return Array.from(buildTimelineColumns(model, analyzeModel(model)).lane);
    };
    async function* chunks() {
      yield text;
    }
    const compact = (await readCompactTraceStream(chunks())).runs.get('r')!;
    const objects = readTraceText(text).runs.get('r')!;
    expect(lanesOf(compact)).toEqual(lanesOf(objects));
    expect(lanesOf(compact).slice(5, 7)).toEqual([1, 1]);
  });
});
