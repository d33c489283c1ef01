import { describe, expect, it } from 'vitest';
import { CompactRun } from './compact-run.ts';
import type { TraceEvent } from './events.ts';

const run = 'r';
const events: TraceEvent[] = [
  { v: 1, run, seq: 0, t: 0, type: 'llm.request', turn: 1 },
  {
    v: 1,
    run,
    seq: 1,
    t: 1,
    type: 'llm.response',
    turn: 1,
    calls: [
      { id: 'a', name: 'f', args: { x: 1 } },
      { id: 'b', name: 'g' },
    ],
  },
  { v: 1, run, seq: 2, t: 2, type: 'tool.start', turn: 1, call: 'b' },
  { v: 1, run, seq: 3, t: 3, type: 'llm.request', turn: 2 },
  { v: 1, run, seq: 4, t: 4, type: 'llm.response', turn: 2, calls: [{ id: 'c', name: 'f' }] },
  // A call of an older response, and one no response listed: both past the latest listing.
  { v: 1, run, seq: 5, t: 5, type: 'tool.end', turn: 1, call: 'a', ok: true, result: 'x' },
  { v: 1, run, seq: 6, t: 6, type: 'tool.commit', turn: 2, call: 'zz' },
  { v: 1, run, seq: 7, t: 7, type: 'tool.commit', turn: 2, call: 'c', synthetic: true },
];

function compact(list: TraceEvent[]): CompactRun {
  const c = new CompactRun(run, { hashes: false });
  list.forEach((e, i) => {
    c.add(e, Number.NaN, i + 1);
  });
  return c;
}

describe('CompactRun call interning', () => {
  it('gives every call id one index, whichever response (or none) listed it', () => {
    const c = compact(events);
    const ids = [2, 5, 6, 7].map((i) => c.callId(c.callIndex(i)));
    expect(ids).toEqual(['b', 'a', 'zz', 'c']);
    expect(c.callIndex(0)).toBe(-1);
    expect(c.callCount).toBe(4);
    expect(c.callIndexOf('a')).toBe(c.callIndex(5));
    expect(c.callIndexOf('nope')).toBe(-1);
  });

  it('keeps each response listing: count, indices, names, and the rebuilt event', () => {
    const c = compact(events);
    expect(c.listedCount(1)).toBe(2);
    expect([0, 1].map((k) => c.callId(c.listedCallIndex(1, k)))).toEqual(['a', 'b']);
    expect([0, 1].map((k) => c.listedName(1, k))).toEqual(['f', 'g']);
    expect(c.event(4)).toEqual({
      v: 1,
      run,
      seq: 4,
      t: 4,
      type: 'llm.response',
      turn: 2,
      calls: [{ id: 'c', name: 'f' }],
    });
    expect(c.synthetic(7)).toBe(true);
  });

  it('keeps listings with their events when finish() sorts by seq', () => {
    const c = compact([...events].reverse());
    c.finish(() => {});
    expect(c.event(1)).toEqual({
      v: 1,
      run,
      seq: 1,
      t: 1,
      type: 'llm.response',
      turn: 1,
      calls: [
        { id: 'a', name: 'f' },
        { id: 'b', name: 'g' },
      ],
    });
    expect(c.callId(c.callIndex(5))).toBe('a');
  });
});
