// The EventStore contract for OTLP spans, corrupt rows and retention, run against both stores (a
// SQLite file and a real PostgreSQL server started here).
import type { GenAiSpan } from '@causelane/importers';
import { expect, it } from 'vitest';
import { describeEachStore } from '../../testing/store-contract.ts';
import { insertEvents as insert } from '../../testing/store-harness.ts';
import { sampleRun } from '../../testing/test-collector.ts';
import { SpanRunConflictError } from './event-store.ts';
import { DAY_MS, startRetention } from './retention.ts';

const spanOf = (traceId: string, spanId: string, extra: Partial<GenAiSpan> = {}): GenAiSpan =>
  ({ kind: 'agent', traceId, spanId, startMs: 1, endMs: 2, agent: 'a', ...extra }) as GenAiSpan;

describeEachStore('EventStore rows', ({ harness, open, opened }) => {
  it('stores OTLP spans in the transaction, refuses other events for their runs, deletes them with the run', async () => {
    const store = await open();
    await store.transaction(async (tx) => {
      await tx.putSpans([spanOf('t1', 's1'), spanOf('t1', 's2'), spanOf('t1', 's1', { agent: 'resent' })]);
      const stored = await tx.spansOfTraces(['t1']);
      expect(stored.map((x) => [x.span.spanId, x.run, x.span.agent])).toEqual([
        ['s1', '', 'a'],
        ['s2', '', 'a'],
      ]);
      await tx.assignSpans(
        stored.map((x) => x.span),
        'otlp-run',
      );
      await tx.insert(
        sampleRun('otlp-run').slice(0, 2),
        sampleRun('otlp-run')
          .slice(0, 2)
          .map((e) => JSON.stringify(e)),
      );
    });
    await store.transaction(async (tx) => {
      expect(await tx.isSpanRun('otlp-run')).toBe(true);
      expect((await tx.spansOfRun('otlp-run')).map((x) => x.spanId)).toEqual(['s1', 's2']);
      expect(await tx.runBodies('otlp-run')).toHaveLength(2);
    });
    const refused = await insert(store, [...sampleRun('plain'), sampleRun('otlp-run')[2]!]).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(SpanRunConflictError);
    expect(refused).toMatchObject({ index: 12, run: 'otlp-run', conflict: true });
    expect(await store.hasRunId('plain')).toBe(false);
    // A failing transaction keeps nothing.
    await expect(
      store.transaction(async (tx) => {
        await tx.putSpans([spanOf('t2', 'x')]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await store.transaction(async (tx) => expect(await tx.spansOfTraces(['t2'])).toEqual([]));
    expect(await store.deleteRun('otlp-run')).toBe(true);
    await store.transaction(async (tx) => {
      expect(await tx.isSpanRun('otlp-run')).toBe(false);
      expect(await tx.spansOfTraces(['t1'])).toEqual([]);
    });
  });

  it('skips and logs a corrupt stored row instead of failing the list or the history', async () => {
    const store = await open();
    await insert(store, sampleRun('good'));
    await insert(store, sampleRun('bad-number'));
    await insert(store, sampleRun('bad-body'));
    await opened().exec(
      harness.name === 'sqlite'
        ? `UPDATE runs SET t_start = 'not a number' WHERE id = 'bad-number';
           INSERT INTO runs (id, created, updated, events) VALUES (CAST(X'78EDA080' AS TEXT), 1, 1, 1);
           UPDATE events SET body = '{"v":1,' WHERE run = 'bad-body' AND seq = 3;`
        : `UPDATE runs SET t_start = 'NaN' WHERE id = 'bad-number';
           UPDATE events SET body = '{"v":1,' WHERE run = 'bad-body' AND seq = 3;`,
    );
    const ids = (await store.listRuns()).runs.map((r) => r.id);
    expect(ids).toContain('good');
    expect(ids).toContain('bad-body');
    expect(ids).not.toContain('bad-number');
    expect(ids.every((id) => !id.includes('\ufffd'))).toBe(true);
    expect(await store.getRun('bad-number')).toBeNull();
    expect((await store.runEvents('bad-body')).map((e) => e.seq)).toEqual([
      0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    expect(opened().errors.join('\n')).toMatch(
      /skipped a stored run row \(start or end is not a finite number\): "bad-number"/,
    );
    expect(opened().errors.join('\n')).toMatch(/run "bad-body": skipped a stored event that is not JSON/);
    if (harness.name === 'sqlite') expect(opened().errors.join('\n')).toMatch(/id is not valid UTF-8/);
  });

  it('retention deletes runs idle for longer than N days, in bounded batches', async () => {
    const store = await open();
    for (let i = 0; i < 5; i++) await insert(store, sampleRun(`old-${i}`));
    opened().clock.now += 3 * DAY_MS;
    await insert(store, sampleRun('recent'));
    // An old run that got a new event is not idle any more.
    await insert(store, [{ v: 1, run: 'old-4', seq: 12, t: 99, type: 'llm.request', turn: 9 }]);
    opened().clock.now += 2 * DAY_MS - 1;
    const batches: string[][] = [];
    const retention = startRetention(store, {
      retainDays: 4,
      batch: 2,
      now: () => opened().clock.now,
      onDeleted: (runs) => batches.push(runs),
    });
    try {
      expect(await retention.sweep()).toBe(4);
    } finally {
      await retention.stop();
    }
    expect(batches.map((b) => b.length)).toEqual([2, 2]);
    expect(batches.flat().sort()).toEqual(['old-0', 'old-1', 'old-2', 'old-3']);
    expect((await store.listRuns()).runs.map((r) => r.id).sort()).toEqual(['old-4', 'recent']);
    expect(await store.runEvents('old-0')).toEqual([]);
    expect(await store.runEvents('old-4')).toHaveLength(13);
  });
});
