import { CompactRun, type TraceEvent } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { buildRunModel } from './model.ts';
import { Call, readCount, readKey, readVersion, writeCount, writeKey, writeVersion } from './new-call.ts';

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
      { id: 'a', name: 'f' },
      { id: 'b', name: 'g' },
    ],
  },
  {
    v: 1,
    run,
    seq: 2,
    t: 2,
    type: 'tool.end',
    turn: 1,
    call: 'a',
    ok: true,
    reads: [{ key: 'x', version: 1 }],
    writes: [
      { key: 'y', version: 2 },
      { key: 'x', version: 3 },
    ],
  },
  { v: 1, run, seq: 3, t: 3, type: 'tool.end', turn: 1, call: 'b', ok: false },
];

const listOf = (n: number, key: (j: number) => string, version: (j: number) => number) =>
  Array.from({ length: n }, (_, j) => ({ key: key(j), version: version(j) }));

describe('Call reads and writes', () => {
  it('reads a compact source key columns without arrays, then builds equal arrays on access', () => {
    const compact = new CompactRun(run, { hashes: false });
    events.forEach((e, i) => {
      compact.add(e, Number.NaN, i + 1);
    });
    const fromCompact = buildRunModel(run, compact);
    const fromArrays = buildRunModel(run, events);
    for (const id of ['a', 'b']) {
      const c = fromCompact.callById.get(id)! as Call;
      const plain = fromArrays.callById.get(id)!;
      expect(c).toBeInstanceOf(Call);
      const reads = listOf(
        readCount(c),
        (j) => readKey(c, j),
        (j) => readVersion(c, j),
      );
      const writes = listOf(
        writeCount(c),
        (j) => writeKey(c, j),
        (j) => writeVersion(c, j),
      );
      expect({ reads, writes }).toEqual({ reads: plain.reads, writes: plain.writes });
      expect(c.reads).toEqual(plain.reads);
      expect(c.writes).toEqual(plain.writes);
      expect(c.ok).toBe(plain.ok);
      // After the arrays are built, the accessors read them.
      expect(readCount(c)).toBe(plain.reads.length);
    }
  });

  it('lets a setter replace one list without losing the other', () => {
    const compact = new CompactRun(run, { hashes: false });
    events.forEach((e, i) => {
      compact.add(e, Number.NaN, i + 1);
    });
    const c = buildRunModel(run, compact).callById.get('a')!;
    c.reads = [];
    expect(c.writes).toEqual(events[2]!.type === 'tool.end' ? events[2]!.writes : []);
    expect(readCount(c)).toBe(0);
    expect(writeKey(c, 1)).toBe('x');
  });
});
