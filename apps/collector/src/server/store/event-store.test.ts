// EventStore on a real SQLite file: atomic batches, (run, seq) dedup, conflicts that roll back the
// whole batch, run summaries, paging and persistence across reopen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceEvent } from '@causelane/trace-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleRun } from '../../testing/test-collector.ts';
import { EventStore, SeqConflictError } from './event-store.ts';

const dirs: string[] = [];
function open(): { store: EventStore; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'causelane-store-'));
  dirs.push(dir);
  const file = join(dir, 'sub', 'db.sqlite');
  return { store: new EventStore(file), file };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const insert = (store: EventStore, events: TraceEvent[]) =>
  store.insert(
    events,
    events.map((e) => JSON.stringify(e)),
  );

describe('EventStore', () => {
  it('creates its folder, uses WAL and keeps events across a reopen', () => {
    const { store, file } = open();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    insert(store, sampleRun('kept'));
    store.close();
    const again = new EventStore(file);
    expect(again.runEvents('kept')).toEqual(sampleRun('kept'));
    again.close();
  });

  it('counts exact repeats as duplicates, within a batch and across batches', () => {
    const { store } = open();
    const run = sampleRun('dup');
    const first = insert(store, [...run.slice(0, 4), run[2]!]);
    expect(first).toMatchObject({ stored: 4, duplicates: 1, created: ['dup'] });
    const second = insert(store, run);
    expect(second).toMatchObject({ stored: 8, duplicates: 4, created: [] });
    expect(second.fresh.get('dup')!.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(store.getRun('dup')!.events).toBe(12);
  });

  it('treats the same event with keys in another order as a repeat', () => {
    const { store } = open();
    insert(store, [{ v: 1, run: 'k', seq: 0, t: 1, type: 'llm.request', turn: 1 }]);
    const reordered = { turn: 1, type: 'llm.request', t: 1, seq: 0, run: 'k', v: 1 } as TraceEvent;
    expect(insert(store, [reordered])).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('rolls back the whole batch when one event conflicts with a stored one', () => {
    const { store } = open();
    insert(store, sampleRun('a').slice(0, 3));
    const batch = [...sampleRun('b'), { ...sampleRun('a')[1]!, t: 99 }, ...sampleRun('a').slice(3)];
    expect(() => insert(store, batch)).toThrow(SeqConflictError);
    expect(store.hasRunId('b')).toBe(false);
    expect(store.getRun('a')!.events).toBe(3);
    expect(store.runEvents('a')).toHaveLength(3);
  });

  it('summarises runs with agent, mode, status, time span and anomaly counts, newest first', () => {
    const { store } = open();
    insert(store, sampleRun('first'));
    const premature: TraceEvent[] = [
      { v: 1, run: 'second', seq: 0, t: 10, type: 'run.start', agent: 'bot', mode: 'naive' },
      { v: 1, run: 'second', seq: 1, t: 11, type: 'llm.request', turn: 1 },
      { v: 1, run: 'second', seq: 2, t: 12, type: 'llm.response', turn: 1, calls: [{ id: 'x', name: 'f' }] },
      { v: 1, run: 'second', seq: 3, t: 13, type: 'tool.start', turn: 1, call: 'x' },
      { v: 1, run: 'second', seq: 4, t: 14, type: 'llm.request', turn: 2 },
    ];
    insert(store, premature);
    const [second, first] = store.listRuns();
    expect(second).toEqual({
      id: 'second',
      agent: 'bot',
      mode: 'naive',
      status: null,
      start: 10,
      end: 14,
      events: 5,
      anomalies: { error: 1, warning: 0, info: 0 },
    });
    expect(first).toMatchObject({
      id: 'first',
      status: 'ok',
      events: 12,
      anomalies: { error: 0, warning: 0, info: 0 },
    });
    insert(store, [{ v: 1, run: 'second', seq: 5, t: 15, type: 'run.end', status: 'error' }]);
    expect(store.getRun('second')).toMatchObject({ status: 'error', end: 15, events: 6 });
  });

  it('reads a large run back in seq order across pages and deletes it completely', () => {
    const { store } = open();
    const n = 12_345;
    const events: TraceEvent[] = Array.from({ length: n }, (_, i) => ({
      v: 1,
      run: 'big',
      seq: n - 1 - i,
      t: i,
      type: 'llm.request',
      turn: 1,
    }));
    insert(store, events);
    const seqs = store.runEvents('big').map((e) => e.seq);
    expect(seqs).toHaveLength(n);
    expect(seqs.every((s, i) => s === i)).toBe(true);
    expect(store.deleteRun('big')).toBe(true);
    expect(store.runEvents('big')).toEqual([]);
    expect(store.deleteRun('big')).toBe(false);
  });
});
