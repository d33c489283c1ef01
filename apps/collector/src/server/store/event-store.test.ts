// The EventStore contract for events, run against both stores: a SQLite file and a real PostgreSQL
// server (Debian's postgresql, started here). Atomic batches, (run, seq) dedup, conflicts that roll
// back the whole batch, summaries, paging and deletion. Spans, corrupt rows, retention: store-rows.test.ts.
import type { TraceEvent } from '@causelane/trace-schema';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../testing/store-contract.ts';
import { insertEvents as insert } from '../../testing/store-harness.ts';
import { sampleRun } from '../../testing/test-collector.ts';
import { InvalidCursorError, SeqConflictError, StoreDataError } from './event-store.ts';

describeEachStore('EventStore', ({ open, opened }) => {
  it('keeps events across a reopen and dedups exact repeats within and across batches', async () => {
    const store = await open();
    const run = sampleRun('dup');
    expect(await insert(store, [...run.slice(0, 4), run[2]!])).toMatchObject({
      stored: 4,
      duplicates: 1,
      created: ['dup'],
    });
    const second = await insert(store, run);
    expect(second).toMatchObject({ stored: 8, duplicates: 4, created: [] });
    expect(second.fresh.get('dup')!.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    await store.close();
    const again = await opened().reopen();
    expect(await again.runEvents('dup')).toEqual(run);
    expect((await again.getRun('dup'))!.events).toBe(12);
    // The same event with its keys in another order is a repeat too.
    const reordered = Object.fromEntries(Object.entries(run[1]!).reverse()) as TraceEvent;
    expect(await insert(again, [reordered])).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('rolls back the whole batch when one event conflicts, with a typed conflict', async () => {
    const store = await open();
    await insert(store, sampleRun('a').slice(0, 3));
    const batch = [...sampleRun('b'), { ...sampleRun('a')[1]!, t: 99 }, ...sampleRun('a').slice(3)];
    const err = await insert(store, batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeqConflictError);
    expect(err).toMatchObject({ conflict: true, index: 12, run: 'a', seq: 1 });
    // A changed repeat inside one batch is a conflict as well.
    const inside = [sampleRun('c')[0]!, { ...sampleRun('c')[0]!, t: 5 }];
    await expect(insert(store, inside)).rejects.toBeInstanceOf(SeqConflictError);
    expect(await store.hasRunId('b')).toBe(false);
    expect(await store.hasRunId('c')).toBe(false);
    expect((await store.getRun('a'))!.events).toBe(3);
    expect(await store.runEvents('a')).toHaveLength(3);
  });

  it('runs concurrent transactions and inserts one after the other, never one inside another', async () => {
    const store = await open();
    const bodies = (events: TraceEvent[]) => events.map((e) => JSON.stringify(e));
    const results = await Promise.all([
      store.transaction(async (tx) => {
        await tx.insert(sampleRun('t1'), bodies(sampleRun('t1')));
        return 'one';
      }),
      store
        .transaction(async (tx) => {
          await tx.insert(sampleRun('t2'), bodies(sampleRun('t2')));
          throw new Error('rolled back');
        })
        .catch((e: Error) => e.message),
      insert(store, sampleRun('t3')).then((b) => b.stored),
      store.transaction(async (tx) => {
        await tx.insert(sampleRun('t4'), bodies(sampleRun('t4')));
        return await tx.hasRunId('t2');
      }),
    ]);
    expect(results).toEqual(['one', 'rolled back', 12, false]);
    expect((await store.listRuns()).runs.map((r) => r.id).sort()).toEqual(['t1', 't3', 't4']);
  });

  it('refuses the same way on both stores a NUL character in a field that becomes a column', async () => {
    const store = await open();
    const batch = [...sampleRun('fine'), { ...sampleRun('x\u0000y')[0]!, agent: 'a' }];
    const err = await insert(store, batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreDataError);
    expect(err).toMatchObject({ index: 12, field: 'run' });
    const agent = await insert(store, [
      { ...sampleRun('z')[0]!, agent: 'bad\u0000agent' } as TraceEvent,
    ]).catch((e: unknown) => e);
    expect(agent).toMatchObject({ index: 0, field: 'agent' });
    expect((await store.listRuns()).runs).toEqual([]);
  });

  it('summarises runs with agent, mode, status, span and anomaly counts, newest first', async () => {
    const store = await open();
    await insert(store, sampleRun('first'));
    const premature: TraceEvent[] = [
      { v: 1, run: 'second', seq: 0, t: 10, type: 'run.start', agent: 'bot', mode: 'naive' },
      { v: 1, run: 'second', seq: 1, t: 11, type: 'llm.request', turn: 1 },
      {
        v: 1,
        run: 'second',
        seq: 2,
        t: 12,
        type: 'llm.response',
        turn: 1,
        calls: [{ id: 'x', name: 'f' }],
      },
      { v: 1, run: 'second', seq: 3, t: 13, type: 'tool.start', turn: 1, call: 'x' },
      { v: 1, run: 'second', seq: 4, t: 14, type: 'llm.request', turn: 2 },
    ];
    await insert(store, premature);
    const { runs, next } = await store.listRuns();
    expect(next).toBeNull();
    expect(runs).toEqual([
      {
        id: 'second',
        agent: 'bot',
        mode: 'naive',
        status: null,
        start: 10,
        end: 14,
        events: 5,
        anomalies: { error: 1, warning: 0, info: 0 },
      },
      expect.objectContaining({
        id: 'first',
        status: 'ok',
        events: 12,
        anomalies: { error: 0, warning: 0, info: 0 },
      }),
    ]);
    await insert(store, [{ v: 1, run: 'second', seq: 5, t: 15, type: 'run.end', status: 'error' }]);
    expect(await store.getRun('second')).toMatchObject({ status: 'error', end: 15, events: 6 });
  });

  it('keeps the summary of a large growing run current in the background, not on list', async () => {
    const store = await open();
    const n = 8000;
    const events: TraceEvent[] = [
      { v: 1, run: 'big', seq: 0, t: 0, type: 'run.start', agent: 'x', mode: 'naive' },
    ];
    for (let turn = 1; events.length < n; turn++) {
      const seq = events.length;
      events.push({ v: 1, run: 'big', seq, t: seq, type: 'llm.request', turn });
      events.push({ v: 1, run: 'big', seq: seq + 1, t: seq + 1, type: 'llm.response', turn, calls: [] });
    }
    // The last turn asks for a call and goes on before its result: one premature-llm-call error.
    const m = events.length;
    events.push(
      {
        v: 1,
        run: 'big',
        seq: m,
        t: m,
        type: 'llm.response',
        turn: 99_999,
        calls: [{ id: 'q', name: 'f' }],
      },
      { v: 1, run: 'big', seq: m + 1, t: m + 1, type: 'tool.start', turn: 99_999, call: 'q' },
      { v: 1, run: 'big', seq: m + 2, t: m + 2, type: 'llm.request', turn: 100_000 },
    );
    for (let i = 0; i < events.length; i += 500) await insert(store, events.slice(i, i + 500));
    const listed = (await store.listRuns()).runs[0]!;
    expect(listed.events).toBe(events.length);
    await store.summariesIdle();
    expect((await store.getRun('big'))!.anomalies.error).toBeGreaterThanOrEqual(1);
  });

  it('reads a large run back in seq order across pages and deletes it completely', async () => {
    const store = await open();
    const n = 12_345;
    const events: TraceEvent[] = Array.from({ length: n }, (_, i) => ({
      v: 1,
      run: 'big',
      seq: n - 1 - i,
      t: i,
      type: 'llm.request',
      turn: 1,
    }));
    await insert(store, events);
    const seqs = (await store.runEvents('big')).map((e) => e.seq);
    expect(seqs).toHaveLength(n);
    expect(seqs.every((q, i) => q === i)).toBe(true);
    expect(await store.deleteRun('big')).toBe(true);
    expect(await store.runEvents('big')).toEqual([]);
    expect(await store.deleteRun('big')).toBe(false);
    expect((await store.listRuns()).runs).toEqual([]);
  });

  it('pages the run list with a keyset cursor: every run once, newest first', async () => {
    const store = await open();
    const ids = Array.from({ length: 23 }, (_, i) => `run-${String(i).padStart(2, '0')}`);
    // Several runs per batch share a creation instant: the id breaks the tie.
    for (let i = 0; i < ids.length; i += 4)
      await insert(
        store,
        ids.slice(i, i + 4).map((run) => ({ v: 1, run, seq: 0, t: 1, type: 'llm.request', turn: 1 })),
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await store.listRuns({ limit: 5, cursor });
      expect(page.runs.length).toBeLessThanOrEqual(5);
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(ids.length);
    const full = (await store.listRuns({ limit: 100 })).runs.map((r) => r.id);
    expect(seen).toEqual(full);
    expect(full.slice(0, 3)).toEqual(expect.arrayContaining(['run-20', 'run-21', 'run-22']));
    await expect(store.listRuns({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
