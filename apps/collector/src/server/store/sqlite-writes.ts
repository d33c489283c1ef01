// The statements of the SQLite store, run inside its open transaction: a batch inserted event by
// event (each a prepared-statement call, no round trip), repeats compared with what is stored, the
// run summaries folded in, and the StoreTx that the OTLP span path uses.
import type { GenAiSpan } from '@causelane/importers';
import { deepEqual, type TraceEvent } from '@causelane/trace-schema';
import type Database from 'better-sqlite3';
import type { StoredBatch, StoreLog, StoreTx } from './event-store.ts';
import { OtlpSpanStore } from './otlp-span-store.ts';
import { countAnomalies, type Touch } from './run-analyzer.ts';
import { addToDelta, parseBodies, type RunDelta } from './run-rows.ts';
import { checkStorable, SeqConflictError } from './store-errors.ts';

/** Events read back per query when streaming a run out, so no query holds the connection for long. */
const PAGE = 5000;

export class SqliteWrites {
  readonly spans: OtlpSpanStore;
  private readonly insertEvent: Database.Statement<[string, number, string]>;
  private readonly selectBody: Database.Statement<[string, number], { body: string }>;
  private readonly upsertRun: Database.Statement<
    [string, number, string | null, string | null, string | null, number, number, number, number],
    { events: number; analyzed: number }
  >;
  private readonly hasRun: Database.Statement<[string], { one: number }>;
  private readonly pageStmt: Database.Statement<[string, number, number], { seq: number; body: string }>;
  private clock = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.spans = new OtlpSpanStore(db);
    this.insertEvent = db.prepare(
      'INSERT INTO events (run, seq, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.selectBody = db.prepare('SELECT body FROM events WHERE run = ? AND seq = ?');
    this.hasRun = db.prepare('SELECT 1 AS one FROM runs WHERE id = ?');
    this.upsertRun = db.prepare(`
      INSERT INTO runs (id, created, agent, mode, status, t_start, t_end, events, updated)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET
        agent = coalesce(excluded.agent, agent), mode = coalesce(excluded.mode, mode),
        status = coalesce(excluded.status, status),
        t_start = min(coalesce(t_start, excluded.t_start), excluded.t_start),
        t_end = max(coalesce(t_end, excluded.t_end), excluded.t_end),
        events = events + excluded.events, updated = excluded.updated
      RETURNING events, analyzed`);
    this.pageStmt = db.prepare('SELECT seq, body FROM events WHERE run = ? AND seq > ? ORDER BY seq LIMIT ?');
  }

  /** Inserts inside the open transaction and folds the batch into the run summaries. */
  write(events: readonly TraceEvent[], bodies: readonly string[], touches: Touch[]): StoredBatch {
    checkStorable(events);
    const out: StoredBatch = { stored: 0, duplicates: 0, fresh: new Map(), created: [] };
    const deltas = new Map<string, RunDelta>();
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (this.insertEvent.run(ev.run, ev.seq, bodies[i]!).changes === 0) {
        const kept = this.selectBody.get(ev.run, ev.seq)!;
        if (kept.body !== bodies[i] && !deepEqual(JSON.parse(kept.body), ev))
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
    const now = this.now();
    for (const [run, d] of deltas) {
      if (!this.hasRun.get(run)) out.created.push(run);
      const created = this.nextCreated();
      const row = this.upsertRun.get(run, created, d.agent, d.mode, d.status, d.tMin, d.tMax, d.count, now)!;
      touches.push({ run, events: row.events, analyzed: row.analyzed, ended: d.ended });
    }
    return out;
  }

  /** A strictly increasing clock, so runs created in the same millisecond still list newest first. */
  private nextCreated(): number {
    this.clock = Math.max(this.now(), this.clock + 0.001);
    return this.clock;
  }

  /** Analyzes `runs` from their stored events and writes the counts, inside the open transaction. */
  analyzeInline(runs: readonly string[], log: StoreLog): Set<string> {
    const update = this.db.prepare(
      'UPDATE runs SET analyzed = events, n_error = ?, n_warning = ?, n_info = ? WHERE id = ?',
    );
    for (const run of runs) {
      const events: TraceEvent[] = [];
      for (const page of this.bodyPages(run)) parseBodies(run, page, events, log);
      const c = countAnomalies(run, events);
      update.run(c.error, c.warning, c.info, run);
    }
    return new Set(runs);
  }

  hasRunId(run: string): boolean {
    return this.hasRun.get(run) !== undefined;
  }

  *bodyPages(run: string): Generator<string[]> {
    let after = -1;
    for (;;) {
      const rows = this.pageStmt.all(run, after, PAGE);
      if (rows.length === 0) return;
      yield rows.map((r) => r.body);
      after = rows[rows.length - 1]!.seq;
      if (rows.length < PAGE) return;
    }
  }

  /** Deletes a run, its events and its spans (inside a transaction). */
  deleteOne(run: string): boolean {
    this.spans.deleteRun(run);
    this.db.prepare('DELETE FROM events WHERE run = ?').run(run);
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(run).changes > 0;
  }

  /** The StoreTx of the transaction open on the connection. */
  tx(touches: Touch[]): StoreTx {
    return {
      insert: async (events, bodies) => this.write(events, bodies, touches),
      replaceRunEvents: async (run, events, bodies) => {
        this.db.prepare('DELETE FROM events WHERE run = ?').run(run);
        this.db
          .prepare(
            `UPDATE runs SET events = 0, analyzed = -1, agent = NULL, mode = NULL, status = NULL,
               t_start = NULL, t_end = NULL WHERE id = ?`,
          )
          .run(run);
        return this.write(events, bodies, touches);
      },
      deleteRun: async (run) => this.deleteOne(run),
      hasRunId: async (run) => this.hasRunId(run),
      runBodies: async (run) => [...this.bodyPages(run)].flat(),
      putSpans: async (spans) => {
        for (const s of spans) this.spans.put(s);
      },
      spansOfTraces: async (ids) => ids.flatMap((t) => this.spans.spansOfTrace(t)),
      assignSpans: async (spans: readonly GenAiSpan[], run) => {
        for (const s of spans) this.spans.assign(s, run);
      },
      spansOfRun: async (run) => this.spans.spansOfRun(run),
      isSpanRun: async (run) => this.spans.hasRun(run),
    };
  }
}
