// The embedded default store: one SQLite file (better-sqlite3, WAL, synchronous=FULL). Each batch is
// one IMMEDIATE transaction (the write lock is taken first, so the busy timeout applies instead of a
// deferred read-then-write failing at once); the OTLP spans live in the same file (otlp-span-store.ts).
import { isUtf8 } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GenAiSpan } from '@causelane/importers';
import { deepEqual, type RunListItem, type TraceEvent } from '@causelane/trace-schema';
import Database from 'better-sqlite3';
import type {
  EventStore,
  RunPage,
  RunPageRequest,
  StoredBatch,
  StoreLog,
  StoreOptions,
  StoreTx,
} from './event-store.ts';
import { OtlpSpanStore } from './otlp-span-store.ts';
import { RunAnalyzer } from './run-analyzer.ts';
import {
  addToDelta,
  decodeCursor,
  encodeCursor,
  listItemsOf,
  pageLimit,
  type RunDelta,
  type RunRow,
} from './run-rows.ts';
import { migrateSqlite } from './sqlite-migrations.ts';
import { classifySqliteError, SeqConflictError, SpanRunConflictError } from './store-errors.ts';

export interface SqliteStoreOptions extends StoreOptions {
  /** How long a write waits for another process's lock before StoreBusyError. Default 5000. */
  busyTimeoutMs?: number;
}

/** Events read back per query when streaming a run out, so no query holds the connection for long. */
const PAGE = 5000;
const SILENT: StoreLog = { info: () => {}, error: () => {} };

type Touch = { run: string; events: number; analyzed: number; ended: boolean };

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly spans: OtlpSpanStore;
  private readonly analyzer: RunAnalyzer;
  private readonly log: StoreLog;
  private readonly now: () => number;
  private readonly insertEvent: Database.Statement<[string, number, string]>;
  private readonly selectBody: Database.Statement<[string, number], { body: string }>;
  private readonly upsertRun: Database.Statement<
    [string, number, string | null, string | null, string | null, number, number, number, number],
    { events: number; analyzed: number }
  >;
  private readonly hasRun: Database.Statement<[string], { one: number }>;
  private readonly pageStmt: Database.Statement<[string, number, number], { seq: number; body: string }>;
  private clock = 0;
  /** The async transaction in progress: other work on this connection waits for it. */
  private txTail: Promise<void> | null = null;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.log = opts.log ?? SILENT;
    this.now = opts.now ?? Date.now;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const busy = opts.busyTimeoutMs ?? 5000;
    this.db = new Database(file, { timeout: busy });
    this.db.pragma('journal_mode = WAL');
    // FULL syncs the WAL on every commit: an acked batch survives a power cut, not just a kill -9.
    this.db.pragma('synchronous = FULL');
    this.db.pragma(`busy_timeout = ${busy}`);
    this.guard(() => migrateSqlite(this.db));
    this.spans = new OtlpSpanStore(this.db);
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (run, seq, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.selectBody = this.db.prepare('SELECT body FROM events WHERE run = ? AND seq = ?');
    this.hasRun = this.db.prepare('SELECT 1 AS one FROM runs WHERE id = ?');
    this.upsertRun = this.db.prepare(`
      INSERT INTO runs (id, created, agent, mode, status, t_start, t_end, events, updated)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET
        agent = coalesce(excluded.agent, agent), mode = coalesce(excluded.mode, mode),
        status = coalesce(excluded.status, status),
        t_start = min(coalesce(t_start, excluded.t_start), excluded.t_start),
        t_end = max(coalesce(t_end, excluded.t_end), excluded.t_end),
        events = events + excluded.events, updated = excluded.updated
      RETURNING events, analyzed`);
    this.pageStmt = this.db.prepare(
      'SELECT seq, body FROM events WHERE run = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.analyzer = new RunAnalyzer(
      {
        load: async (run) => {
          await this.idle();
          const row = this.db.prepare('SELECT events FROM runs WHERE id = ?').get(run) as
            | { events: number }
            | undefined;
          return row ? { count: row.events, events: this.readEvents(run) } : null;
        },
        save: async (run, count, a) => {
          await this.idle();
          this.guard(() =>
            this.db
              .prepare(
                'UPDATE runs SET analyzed = ?, n_error = ?, n_warning = ?, n_info = ? WHERE id = ? AND events = ?',
              )
              .run(count, a.error, a.warning, a.info, run, count),
          );
        },
      },
      this.log,
      { now: this.now },
    );
    // Runs left unanalyzed (a crash between a commit and its analysis) are caught up in the background.
    const stale = this.db
      .prepare('SELECT id, events, analyzed FROM runs WHERE analyzed <> events LIMIT 10000')
      .all() as { id: string; events: number; analyzed: number }[];
    for (const r of stale) void this.analyzer.touched(r.id, r.events, r.analyzed, false);
  }

  async insert(events: readonly TraceEvent[], bodies: readonly string[]): Promise<StoredBatch> {
    await this.idle();
    const touches: Touch[] = [];
    const batch = this.guard(() =>
      this.db
        .transaction(() => {
          const checked = new Set<string>();
          for (let i = 0; i < events.length; i++) {
            const run = events[i]!.run;
            if (checked.has(run)) continue;
            checked.add(run);
            // An OTLP run is re-derived from its spans on every span request, which would drop
            // anything else stored in it: such events are refused, never accepted and lost.
            if (this.spans.hasRun(run)) throw new SpanRunConflictError(i, run);
          }
          return this.write(events, bodies, touches);
        })
        .immediate(),
    );
    await this.afterCommit(touches);
    return batch;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    await this.idle();
    let release!: () => void;
    this.txTail = new Promise((r) => (release = r));
    const touches: Touch[] = [];
    const tx = this.txApi(touches);
    try {
      this.guard(() => this.db.exec('BEGIN IMMEDIATE'));
      let result: T;
      try {
        result = await fn(tx);
        this.guard(() => this.db.exec('COMMIT'));
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
      this.txTail = null;
      release();
      await this.afterCommit(touches);
      return result;
    } finally {
      if (this.txTail) {
        this.txTail = null;
        release();
      }
    }
  }

  private txApi(touches: Touch[]): StoreTx {
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
      hasRunId: async (run) => this.hasRun.get(run) !== undefined,
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

  /** Inserts inside the open transaction and folds the batch into the run summaries. */
  private write(events: readonly TraceEvent[], bodies: readonly string[], touches: Touch[]): StoredBatch {
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
      const row = this.upsertRun.get(run, this.nextCreated(), d.agent, d.mode, d.status, d.tMin, d.tMax, d.count, now)!;
      touches.push({ run, events: row.events, analyzed: row.analyzed, ended: d.ended });
    }
    return out;
  }

  private async afterCommit(touches: readonly Touch[]): Promise<void> {
    for (const t of touches) await this.analyzer.touched(t.run, t.events, t.analyzed, t.ended);
  }

  /** A strictly increasing clock, so runs created in the same millisecond still list newest first. */
  private nextCreated(): number {
    this.clock = Math.max(this.now(), this.clock + 0.001);
    return this.clock;
  }

  /** Waits for the async transaction in progress, so no read sees its uncommitted rows. */
  private async idle(): Promise<void> {
    while (this.txTail) await this.txTail;
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw classifySqliteError(err);
    }
  }

  private *bodyPages(run: string): Generator<string[]> {
    let after = -1;
    for (;;) {
      const rows = this.pageStmt.all(run, after, PAGE);
      if (rows.length === 0) return;
      yield rows.map((r) => r.body);
      after = rows[rows.length - 1]!.seq;
      if (rows.length < PAGE) return;
    }
  }

  async *runBodies(run: string): AsyncGenerator<string[]> {
    let after = -1;
    for (;;) {
      await this.idle();
      const rows = this.pageStmt.all(run, after, PAGE);
      if (rows.length === 0) return;
      yield rows.map((r) => r.body);
      after = rows[rows.length - 1]!.seq;
      if (rows.length < PAGE) return;
    }
  }

  private readEvents(run: string): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (const page of this.bodyPages(run)) parseBodies(run, page, out, this.log);
    return out;
  }

  async runEvents(run: string): Promise<TraceEvent[]> {
    const out: TraceEvent[] = [];
    for await (const page of this.runBodies(run)) parseBodies(run, page, out, this.log);
    return out;
  }

  async hasRunId(run: string): Promise<boolean> {
    await this.idle();
    return this.hasRun.get(run) !== undefined;
  }

  private deleteOne(run: string): boolean {
    this.spans.deleteRun(run);
    this.db.prepare('DELETE FROM events WHERE run = ?').run(run);
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(run).changes > 0;
  }

  async deleteRun(run: string): Promise<boolean> {
    await this.idle();
    return this.guard(() => this.db.transaction(() => this.deleteOne(run)).immediate());
  }

  async listRuns(req?: RunPageRequest): Promise<RunPage> {
    await this.idle();
    const limit = pageLimit(req);
    const after = req?.cursor ? decodeCursor(req.cursor) : null;
    const cols = 'r.*, CAST(r.id AS BLOB) AS id_bytes';
    const rows = (
      after
        ? this.db
            .prepare(
              `SELECT ${cols} FROM runs r WHERE (created, id) < (?, ?) ORDER BY created DESC, id DESC LIMIT ?`,
            )
            .all(after.created, after.id, limit + 1)
        : this.db.prepare(`SELECT ${cols} FROM runs r ORDER BY created DESC, id DESC LIMIT ?`).all(limit + 1)
    ) as (RunRow & { id_bytes: unknown })[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      runs: listItemsOf(page, this.log, validUtf8Id),
      next: more && last ? encodeCursor({ created: last.created as number, id: last.id as string }) : null,
    };
  }

  async getRun(run: string): Promise<RunListItem | null> {
    await this.idle();
    const row = this.db.prepare('SELECT *, CAST(id AS BLOB) AS id_bytes FROM runs WHERE id = ?').get(run) as
      | (RunRow & { id_bytes: unknown })
      | undefined;
    return row ? (listItemsOf([row], this.log, validUtf8Id)[0] ?? null) : null;
  }

  async deleteRunsIdleSince(cutoffMs: number, limit: number): Promise<string[]> {
    await this.idle();
    return this.guard(() =>
      this.db
        .transaction(() => {
          const ids = this.db
            .prepare('SELECT id FROM runs WHERE updated < ? ORDER BY updated LIMIT ?')
            .pluck()
            .all(cutoffMs, limit) as string[];
          for (const id of ids) this.deleteOne(id);
          return ids;
        })
        .immediate(),
    );
  }

  summariesIdle(): Promise<void> {
    return this.analyzer.idle();
  }

  async close(): Promise<void> {
    this.analyzer.close();
    await this.idle();
    if (this.db.open) this.db.close();
  }
}

function validUtf8Id(r: RunRow): boolean {
  const bytes = (r as { id_bytes?: unknown }).id_bytes;
  return !(bytes instanceof Uint8Array) || isUtf8(bytes);
}

/** Parses stored bodies into `out`; a body that is not JSON is skipped and logged, never fatal. */
export function parseBodies(run: string, page: readonly string[], out: TraceEvent[], log: StoreLog): void {
  for (const body of page) {
    try {
      out.push(JSON.parse(body) as TraceEvent);
    } catch {
      log.error(`run ${JSON.stringify(run.slice(0, 200))}: skipped a stored event that is not JSON`);
    }
  }
}
