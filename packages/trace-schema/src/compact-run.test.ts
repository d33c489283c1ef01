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

describe('CompactRun key columns', () => {
  const kv = (key: string, version: number) => ({ key, version });
  const ends: TraceEvent[] = [
    { v: 1, run, seq: 0, t: 0, type: 'llm.response', turn: 1, calls: [] },
    {
      v: 1,
      run,
      seq: 1,
      t: 1,
      type: 'tool.end',
      turn: 1,
      call: 'a',
      ok: true,
      reads: [kv('x', 1), kv('y', 2)],
    },
    { v: 1, run, seq: 2, t: 2, type: 'tool.end', turn: 1, call: 'b', ok: false, writes: [kv('x', 3)] },
    {
      v: 1,
      run,
      seq: 3,
      t: 3,
      type: 'tool.end',
      turn: 1,
      call: 'c',
      ok: true,
      reads: [kv('y', 2), kv('y', 2)],
      writes: [kv('z', 9007199254740991)],
    },
    { v: 1, run, seq: 4, t: 4, type: 'tool.end', turn: 1, call: 'd', ok: true, reads: [], writes: [] },
    { v: 1, run, seq: 5, t: 5, type: 'state.write', key: 'x', version: 4 },
  ];

  it('keeps reads and writes per tool.end, read back by accessor and by event(i), after sorting', () => {
    const c = compact([...ends].reverse());
    c.finish(() => {
      throw new Error('no repeats here');
    });
    const cols = c.keyColumns;
    const back = (i: number) => {
      const o = c.endKeys(i);
      if (o < 0) return { reads: [], writes: [] };
      return {
        reads: Array.from({ length: cols.readCount(o) }, (_, j) =>
          kv(cols.readKey(o, j), cols.readVersion(o, j)),
        ),
        writes: Array.from({ length: cols.writeCount(o) }, (_, j) =>
          kv(cols.writeKey(o, j), cols.writeVersion(o, j)),
        ),
      };
    };
    for (let i = 0; i < ends.length; i++) {
      const e = ends[i]!;
      expect(c.seq(i)).toBe(e.seq);
      if (e.type !== 'tool.end') {
        expect(c.endKeys(i)).toBe(-1);
        continue;
      }
      expect(c.ok(i)).toBe(e.ok);
      expect(back(i)).toEqual({ reads: e.reads ?? [], writes: e.writes ?? [] });
      const ev = c.event(i) as Extract<TraceEvent, { type: 'tool.end' }>;
      expect(ev.reads ?? []).toEqual(e.reads ?? []);
      expect(ev.writes ?? []).toEqual(e.writes ?? []);
    }
    expect(c.endKeys(4)).toBe(-1);
    expect(c.event(5)).toMatchObject({ type: 'state.write', key: 'x', version: 4 });
    expect(c.listedCount(0)).toBe(0);
  });
});
