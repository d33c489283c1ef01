// The statements of one PostgreSQL write transaction: a batch goes in as arrays (unnest) in one
// INSERT … ON CONFLICT DO NOTHING, so the round trips per batch do not grow with its size; repeats
// are then compared with what is stored, and the run summaries are folded in with one upsert.
import type { GenAiSpan } from '@causelane/importers';
import { deepEqual, type TraceEvent } from '@causelane/trace-schema';
import type { PoolClient } from 'pg';
import type { StoredBatch, StoredSpan, StoreLog, StoreTx } from './event-store.ts';
import { countAnomalies, type Touch } from './run-analyzer.ts';
import { addToDelta, parseBodies, type RunDelta } from './run-rows.ts';
import { checkStorable, SeqConflictError } from './store-errors.ts';

/** What a transaction collects for the summaries: the runs it wrote, and runs whose every event it holds. */
export interface TxContext {
  touches: Touch[];
  complete: Map<string, TraceEvent[]>;
}

const key = (run: string, seq: number) => `${seq}\u0000${run}`;

/** Inserts a batch inside the open transaction; throws SeqConflictError on a changed repeat. */
export async function writeBatch(
  client: PoolClient,
  events: readonly TraceEvent[],
  bodies: readonly string[],
  created: () => number,
  now: number,
  ctx: TxContext,
): Promise<StoredBatch> {
  checkStorable(events);
  const out: StoredBatch = { stored: 0, duplicates: 0, fresh: new Map(), created: [] };
  // A key repeated inside the batch is compared with its first copy, as a later batch would be.
  const first = new Map<string, number>();
  const runs: string[] = [];
  const seqs: number[] = [];
  const rowBodies: string[] = [];
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    const k = key(ev.run, ev.seq);
    const j = first.get(k);
    if (j !== undefined) {
      if (bodies[j] !== bodies[i] && !deepEqual(events[j], ev)) throw new SeqConflictError(i, ev.run, ev.seq);
      continue;
    }
    first.set(k, i);
    runs.push(ev.run);
    seqs.push(ev.seq);
    rowBodies.push(bodies[i]!);
  }
  if (runs.length === 0) return out;
  const { rows: kept } = await client.query<{ run: string; seq: number; body: string | null }>(
    `WITH input (run, seq, body) AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])),
     ins AS (INSERT INTO events (run, seq, body) SELECT run, seq, body FROM input
             ON CONFLICT DO NOTHING RETURNING run, seq)
     SELECT i.run, i.seq, e.body FROM input i
       LEFT JOIN events e ON e.run = i.run AND e.seq = i.seq
       WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.run = i.run AND ins.seq = i.seq)`,
    [runs, seqs, rowBodies],
  );
  const repeated = new Map<string, string | null>();
  for (const r of kept) repeated.set(key(r.run, Number(r.seq)), r.body);
  // A row committed by another transaction while this statement waited is not in its snapshot.
  const unseen = [...repeated].filter(([, body]) => body === null).map(([k]) => k);
  if (unseen.length > 0) {
    const parts = unseen.map((k) => events[first.get(k)!]!);
    const { rows } = await client.query<{ run: string; seq: number; body: string }>(
      `SELECT e.run, e.seq, e.body FROM events e JOIN unnest($1::text[], $2::bigint[]) AS u (run, seq)
         ON e.run = u.run AND e.seq = u.seq`,
      [parts.map((e) => e.run), parts.map((e) => e.seq)],
    );
    for (const r of rows) repeated.set(key(r.run, Number(r.seq)), r.body);
  }
  const deltas = new Map<string, RunDelta>();
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    const k = key(ev.run, ev.seq);
    if (first.get(k) !== i || repeated.has(k)) {
      const body = repeated.get(k);
      if (body != null && body !== bodies[i] && !deepEqual(JSON.parse(body), ev))
        throw new SeqConflictError(i, ev.run, ev.seq);
      out.duplicates++;
      continue;
    }
    out.stored++;
    let fresh = out.fresh.get(ev.run);
    if (!fresh) {
      fresh = [];
      out.fresh.set(ev.run, fresh);
    }
    fresh.push(ev);
    addToDelta(deltas, ev);
  }
  if (deltas.size === 0) return out;
  // Rows are locked in id order, so two batches touching the same runs cannot deadlock on them.
  const ids = [...deltas.keys()].sort();
  const col = <T>(f: (d: RunDelta) => T) => ids.map((id) => f(deltas.get(id)!));
  const { rows } = await client.query<{ id: string; events: number; analyzed: number; inserted: boolean }>(
    `INSERT INTO runs (id, created, updated, agent, mode, status, t_start, t_end, events)
     SELECT id, c, $2, a, m, s, t0, t1, n FROM unnest($1::text[], $3::float8[], $4::text[], $5::text[],
       $6::text[], $7::float8[], $8::float8[], $9::bigint[]) AS u (id, c, a, m, s, t0, t1, n)
     ON CONFLICT (id) DO UPDATE SET
       agent = coalesce(excluded.agent, runs.agent), mode = coalesce(excluded.mode, runs.mode),
       status = coalesce(excluded.status, runs.status),
       t_start = least(runs.t_start, excluded.t_start), t_end = greatest(runs.t_end, excluded.t_end),
       events = runs.events + excluded.events, updated = excluded.updated
     RETURNING id, events, analyzed, (xmax = 0) AS inserted`,
    [
      ids,
      now,
      ids.map(() => created()),
      col((d) => d.agent),
      col((d) => d.mode),
      col((d) => d.status),
      col((d) => d.tMin),
      col((d) => d.tMax),
      col((d) => d.count),
    ],
  );
  for (const r of rows) {
    if (r.inserted) {
      out.created.push(r.id);
      ctx.complete.set(r.id, [...out.fresh.get(r.id)!]);
    } else ctx.complete.get(r.id)?.push(...out.fresh.get(r.id)!);
    ctx.touches.push({ run: r.id, events: r.events, analyzed: r.analyzed, ended: deltas.get(r.id)!.ended });
  }
  // Batch order, as SQLite reports it.
  const order = new Map(ids.map((id) => [id, events.findIndex((e) => e.run === id)]));
  out.created.sort((a, b) => order.get(a)! - order.get(b)!);
  return out;
}

export async function deleteRunIn(client: PoolClient, run: string): Promise<boolean> {
  const { rowCount } = await client.query(
    `WITH s AS (DELETE FROM otlp_spans WHERE run = $1), e AS (DELETE FROM events WHERE run = $1)
     DELETE FROM runs WHERE id = $1`,
    [run],
  );
  return (rowCount ?? 0) > 0;
}

/** The StoreTx of one open transaction on `client`. */
/** Analyzes `runs` (held in `ctx.complete` or read in one query) and writes their counts, before COMMIT. */
export async function analyzeInline(
  client: PoolClient,
  runs: readonly string[],
  ctx: TxContext,
  log: StoreLog,
): Promise<Set<string>> {
  if (runs.length === 0) return new Set();
  const byRun = new Map<string, TraceEvent[]>();
  const missing: string[] = [];
  for (const run of runs) {
    const held = ctx.complete.get(run);
    if (held)
      byRun.set(
        run,
        [...held].sort((a, b) => a.seq - b.seq),
      );
    else missing.push(run);
  }
  if (missing.length > 0) {
    const { rows } = await client.query<{ run: string; body: string }>(
      'SELECT run, body FROM events WHERE run = ANY($1::text[]) ORDER BY run, seq',
      [missing],
    );
    for (const run of missing) byRun.set(run, []);
    for (const r of rows) parseBodies(r.run, [r.body], byRun.get(r.run)!, log);
  }
  const counts = runs.map((run) => countAnomalies(run, byRun.get(run)!));
  await client.query(
    `UPDATE runs r SET analyzed = r.events, n_error = u.e, n_warning = u.w, n_info = u.i
     FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS u (id, e, w, i) WHERE r.id = u.id`,
    [runs, counts.map((c) => c.error), counts.map((c) => c.warning), counts.map((c) => c.info)],
  );
  return new Set(runs);
}

export function postgresTx(
  client: PoolClient,
  created: () => number,
  now: () => number,
  ctx: TxContext,
): StoreTx {
  return {
    insert: (events, bodies) => writeBatch(client, events, bodies, created, now(), ctx),
    replaceRunEvents: async (run, events, bodies) => {
      await client.query(
        `WITH e AS (DELETE FROM events WHERE run = $1)
         UPDATE runs SET events = 0, analyzed = -1, agent = NULL, mode = NULL, status = NULL,
           t_start = NULL, t_end = NULL WHERE id = $1`,
        [run],
      );
      const batch = await writeBatch(client, events, bodies, created, now(), ctx);
      ctx.complete.set(run, [...events]);
      return batch;
    },
    deleteRun: (run) => deleteRunIn(client, run),
    hasRunId: async (run) => (await client.query('SELECT 1 FROM runs WHERE id = $1', [run])).rowCount! > 0,
    runBodies: async (run) =>
      (
        await client.query<{ body: string }>('SELECT body FROM events WHERE run = $1 ORDER BY seq', [run])
      ).rows.map((r) => r.body),
    putSpans: async (spans: readonly GenAiSpan[]) => {
      await client.query(
        `INSERT INTO otlp_spans (trace_id, span_id, run, body)
         SELECT t, s, '', b FROM unnest($1::text[], $2::text[], $3::text[]) AS u (t, s, b)
         ON CONFLICT (trace_id, span_id) DO NOTHING`,
        [spans.map((s) => s.traceId), spans.map((s) => s.spanId), spans.map((s) => JSON.stringify(s))],
      );
    },
    spansOfTraces: async (ids) => {
      const { rows } = await client.query<{ run: string; body: string }>(
        `SELECT run, body FROM otlp_spans WHERE trace_id = ANY($1::text[])
         ORDER BY array_position($1::text[], trace_id::text), span_id`,
        [ids],
      );
      return rows.map((r): StoredSpan => ({ span: JSON.parse(r.body) as GenAiSpan, run: r.run }));
    },
    assignSpans: async (spans, run) => {
      await client.query(
        `UPDATE otlp_spans o SET run = $1 FROM unnest($2::text[], $3::text[]) AS u (t, s)
         WHERE o.trace_id = u.t AND o.span_id = u.s`,
        [run, spans.map((s) => s.traceId), spans.map((s) => s.spanId)],
      );
    },
    spansOfRun: async (run) =>
      (
        await client.query<{ body: string }>(
          'SELECT body FROM otlp_spans WHERE run = $1 ORDER BY trace_id, span_id',
          [run],
        )
      ).rows.map((r) => JSON.parse(r.body) as GenAiSpan),
    isSpanRun: async (run) =>
      (await client.query('SELECT 1 FROM otlp_spans WHERE run = $1 LIMIT 1', [run])).rowCount! > 0,
  };
}
