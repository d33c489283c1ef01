// The embedded default store: one SQLite file (better-sqlite3, WAL, synchronous=FULL). Each batch is
// one IMMEDIATE transaction (the write lock is taken first, so the busy timeout applies instead of a
// deferred read-then-write failing at once); the OTLP spans live in the same file (otlp-span-store.ts).
import { isUtf8 } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunListItem, TraceEvent } from '@causelane/trace-schema';
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
import { RunAnalyzer, type Touch } from './run-analyzer.ts';
import { decodeCursor, encodeCursor, listItemsOf, pageLimit, parseBodies, type RunRow } from './run-rows.ts';
import { migrateSqlite } from './sqlite-migrations.ts';
import { SqliteWrites } from './sqlite-writes.ts';
import { classifySqliteError, SpanRunConflictError } from './store-errors.ts';

export interface SqliteStoreOptions extends StoreOptions {
  /** How long a write waits for another process's lock before StoreBusyError. Default 5000. */
  busyTimeoutMs?: number;
}

const SILENT: StoreLog = { info: () => {}, error: () => {} };

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly w: SqliteWrites;
  private readonly analyzer: RunAnalyzer;
  private readonly log: StoreLog;
  private readonly now: () => number;
  /**
   * The async transaction in progress: other work on this connection waits for it, with
   * `while (this.txTail) await this.txTail;` right before its synchronous statements (no await in
   * between), so nothing reads its uncommitted rows or nests a transaction inside it.
   */
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
    try {
      this.guard(() => migrateSqlite(this.db));
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.w = new SqliteWrites(this.db, this.now);
    this.analyzer = new RunAnalyzer(
      {
        load: async (run) => {
          while (this.txTail) await this.txTail;
          const row = this.runRow(run);
          return row ? { count: row.events, created: row.created, events: this.readEvents(run) } : null;
        },
        // The row and the events after `after` in one synchronous read: one consistent state.
        loadAfter: async (run, after) => {
          while (this.txTail) await this.txTail;
          const row = this.runRow(run);
          if (!row) return null;
          const events: TraceEvent[] = [];
          const rows = this.db
            .prepare('SELECT body FROM events WHERE run = ? AND seq > ? ORDER BY seq')
            .all(run, after) as { body: string }[];
          parseBodies(
            run,
            rows.map((r) => r.body),
            events,
            this.log,
          );
          return { count: row.events, created: row.created, events };
        },
        save: async (run, count, a) => {
          while (this.txTail) await this.txTail;
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
    for (const r of stale) this.analyzer.touched(r.id, r.events, r.analyzed, false);
  }

  async insert(events: readonly TraceEvent[], bodies: readonly string[]): Promise<StoredBatch> {
    while (this.txTail) await this.txTail;
    const touches: Touch[] = [];
    let inline = new Set<string>();
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
            if (this.w.spans.hasRun(run)) throw new SpanRunConflictError(i, run);
          }
          const out = this.w.write(events, bodies, touches);
          inline = this.w.analyzeInline(this.analyzer.inlineRuns(touches), this.log);
          return out;
        })
        .immediate(),
    );
    this.analyzer.committed(touches, inline);
    return batch;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // The last check and the claim below run in one tick: two callers that waited behind one
    // transaction would otherwise both BEGIN.
    while (this.txTail) await this.txTail;
    let release!: () => void;
    this.txTail = new Promise((r) => (release = r));
    const touches: Touch[] = [];
    const tx = this.w.tx(touches);
    let inline = new Set<string>();
    try {
      this.guard(() => this.db.exec('BEGIN IMMEDIATE'));
      let result: T;
      try {
        result = await fn(tx);
        inline = this.w.analyzeInline(this.analyzer.inlineRuns(touches), this.log);
        this.guard(() => this.db.exec('COMMIT'));
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
      this.txTail = null;
      release();
      this.analyzer.committed(touches, inline);
      return result;
    } finally {
      if (this.txTail) {
        this.txTail = null;
        release();
      }
    }
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw classifySqliteError(err);
    }
  }

  async *runBodies(run: string): AsyncGenerator<string[]> {
    while (this.txTail) await this.txTail;
    // Each page is read when asked for: a slow reader never holds the connection between pages.
    for (const page of this.w.bodyPages(run)) {
      yield page;
      while (this.txTail) await this.txTail;
    }
  }

  private runRow(run: string): { events: number; created: number } | undefined {
    return this.db.prepare('SELECT events, created FROM runs WHERE id = ?').get(run) as
      | { events: number; created: number }
      | undefined;
  }

  private readEvents(run: string): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (const page of this.w.bodyPages(run)) parseBodies(run, page, out, this.log);
    return out;
  }

  async runEvents(run: string): Promise<TraceEvent[]> {
    const out: TraceEvent[] = [];
    for await (const page of this.runBodies(run)) parseBodies(run, page, out, this.log);
    return out;
  }

  async hasRunId(run: string): Promise<boolean> {
    while (this.txTail) await this.txTail;
    return this.w.hasRunId(run);
  }

  async deleteRun(run: string): Promise<boolean> {
    while (this.txTail) await this.txTail;
    return this.guard(() => this.db.transaction(() => this.w.deleteOne(run)).immediate());
  }

  async listRuns(req?: RunPageRequest): Promise<RunPage> {
    while (this.txTail) await this.txTail;
    const limit = pageLimit(req);
    const after = req?.cursor ? decodeCursor(req.cursor) : null;
    const cols = 'r.*, CAST(r.id AS BLOB) AS id_bytes';
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (after) {
      where.push('(created, id) < (?, ?)');
      params.push(after.created, after.id);
    }
    const q = req?.q?.trim().toLowerCase();
    if (q) {
      where.push("(instr(lower(id), ?) > 0 OR instr(lower(coalesce(agent, '')), ?) > 0)");
      params.push(q, q);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const rows = this.db
      .prepare(`SELECT ${cols} FROM runs r ${filter} ORDER BY created DESC, id DESC LIMIT ?`)
      .all(...params, limit + 1) as (RunRow & { id_bytes: unknown })[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      runs: listItemsOf(page, this.log, validUtf8Id),
      next: more && last ? encodeCursor({ created: last.created as number, id: last.id as string }) : null,
    };
  }

  async getRun(run: string): Promise<RunListItem | null> {
    while (this.txTail) await this.txTail;
    const row = this.db.prepare('SELECT *, CAST(id AS BLOB) AS id_bytes FROM runs WHERE id = ?').get(run) as
      | (RunRow & { id_bytes: unknown })
      | undefined;
    return row ? (listItemsOf([row], this.log, validUtf8Id)[0] ?? null) : null;
  }

  async deleteRunsIdleSince(cutoffMs: number, limit: number): Promise<string[]> {
    while (this.txTail) await this.txTail;
    return this.guard(() =>
      this.db
        .transaction(() => {
          const ids = this.db
            .prepare('SELECT id FROM runs WHERE updated < ? ORDER BY updated LIMIT ?')
            .pluck()
            .all(cutoffMs, limit) as string[];
          for (const id of ids) this.w.deleteOne(id);
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
    while (this.txTail) await this.txTail;
    if (this.db.open) this.db.close();
  }
}

function validUtf8Id(r: RunRow): boolean {
  const bytes = (r as { id_bytes?: unknown }).id_bytes;
  return !(bytes instanceof Uint8Array) || isUtf8(bytes);
}
