// The collector's durable store: one SQLite file (better-sqlite3, WAL, synchronous=FULL), events keyed
// by (run, seq) so a resend is a no-op, plus a per-run summary row kept up to date in the same commit.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyzeRuns } from '@causelane/analysis';
import { deepEqual, type RunListItem, type TraceEvent } from '@causelane/trace-schema';
import Database from 'better-sqlite3';

/** Raised inside a write transaction so that nothing of the batch is kept. */
export class SeqConflictError extends Error {
  constructor(
    readonly index: number,
    readonly run: string,
    readonly seq: number,
  ) {
    super(`run ${JSON.stringify(run)} seq ${seq} is already stored with different content`);
  }
}

export interface StoredBatch {
  stored: number;
  duplicates: number;
  /** Newly stored events per run, in batch order (duplicates left out). */
  fresh: Map<string, TraceEvent[]>;
  /** Runs this batch created. */
  created: string[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  created REAL NOT NULL,
  agent TEXT, mode TEXT, status TEXT,
  t_start REAL, t_end REAL,
  events INTEGER NOT NULL DEFAULT 0,
  analyzed INTEGER NOT NULL DEFAULT -1,
  n_error INTEGER NOT NULL DEFAULT 0, n_warning INTEGER NOT NULL DEFAULT 0, n_info INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_created ON runs (created DESC);
CREATE TABLE IF NOT EXISTS events (
  run TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (run, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS otlp_spans (
  trace_id TEXT NOT NULL, span_id TEXT NOT NULL, run TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS otlp_spans_run ON otlp_spans (run);
`;

interface RunRow {
  id: string;
  agent: string | null;
  mode: string | null;
  status: string | null;
  t_start: number | null;
  t_end: number | null;
  events: number;
  analyzed: number;
  n_error: number;
  n_warning: number;
  n_info: number;
}

interface RunDelta {
  count: number;
  tMin: number;
  tMax: number;
  agent: string | null;
  mode: string | null;
  status: string | null;
}

/** Events read back per query when streaming a run out, so no query holds the connection for long. */
const PAGE = 5000;

export class EventStore {
  readonly db: Database.Database;
  private readonly insertEvent: Database.Statement<[string, number, string]>;
  private readonly selectBody: Database.Statement<[string, number], { body: string }>;
  private readonly upsertRun: Database.Statement<
    [string, number, string | null, string | null, string | null, number, number, number]
  >;
  private readonly hasRun: Database.Statement<[string], { one: number }>;
  private readonly pageStmt: Database.Statement<[string, number, number], { seq: number; body: string }>;
  private readonly writeBatch: (events: readonly TraceEvent[], bodies: readonly string[]) => StoredBatch;
  private clock = 0;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL syncs the WAL on every commit: an acked batch survives a power cut, not just a kill -9.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (run, seq, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.selectBody = this.db.prepare('SELECT body FROM events WHERE run = ? AND seq = ?');
    this.hasRun = this.db.prepare('SELECT 1 AS one FROM runs WHERE id = ?');
    this.upsertRun = this.db.prepare(`
      INSERT INTO runs (id, created, agent, mode, status, t_start, t_end, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET
        agent = coalesce(excluded.agent, agent), mode = coalesce(excluded.mode, mode),
        status = coalesce(excluded.status, status),
        t_start = min(coalesce(t_start, excluded.t_start), excluded.t_start),
        t_end = max(coalesce(t_end, excluded.t_end), excluded.t_end),
        events = events + excluded.events`);
    this.pageStmt = this.db.prepare(
      'SELECT seq, body FROM events WHERE run = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.writeBatch = this.db.transaction((events, bodies) => this.writeInTransaction(events, bodies));
  }

  /**
   * Stores a batch of valid events atomically: all new ones or none. Exact repeats of a stored
   * (run, seq) are counted as duplicates; a repeat with other content throws SeqConflictError and
   * rolls the whole batch back. `bodies[i]` is `JSON.stringify(events[i])`.
   */
  insert(events: readonly TraceEvent[], bodies: readonly string[]): StoredBatch {
    return this.writeBatch(events, bodies);
  }

  /** Runs `fn` in one write transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Replaces all of a run's events (call inside transaction()): the run keeps its place in the
   * list, its summary is rebuilt from the new events and its analysis redone on the next read.
   */
  replaceRunEvents(run: string, events: readonly TraceEvent[], bodies: readonly string[]): StoredBatch {
    this.db.prepare('DELETE FROM events WHERE run = ?').run(run);
    this.db
      .prepare(
        `UPDATE runs SET events = 0, analyzed = -1, agent = NULL, mode = NULL, status = NULL,
           t_start = NULL, t_end = NULL WHERE id = ?`,
      )
      .run(run);
    return this.writeInTransaction(events, bodies);
  }

  private writeInTransaction(events: readonly TraceEvent[], bodies: readonly string[]): StoredBatch {
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
      let d = deltas.get(ev.run);
      if (!d) {
        d = { count: 0, tMin: ev.t, tMax: ev.t, agent: null, mode: null, status: null };
        deltas.set(ev.run, d);
      }
      d.count++;
      if (ev.t < d.tMin) d.tMin = ev.t;
      if (ev.t > d.tMax) d.tMax = ev.t;
      if (ev.type === 'run.start') {
        d.agent = ev.agent ?? d.agent;
        d.mode = ev.mode ?? d.mode;
      } else if (ev.type === 'run.end') d.status = ev.status ?? d.status;
    }
    for (const [run, d] of deltas) {
      if (!this.hasRun.get(run)) out.created.push(run);
      this.upsertRun.run(run, this.nextCreated(), d.agent, d.mode, d.status, d.tMin, d.tMax, d.count);
    }
    return out;
  }

  /** A strictly increasing clock, so runs created in the same millisecond still list newest first. */
  private nextCreated(): number {
    this.clock = Math.max(Date.now(), this.clock + 0.001);
    return this.clock;
  }

  /** Stored JSON bodies of a run in seq order, a page at a time (keeps the connection free between pages). */
  *runBodies(run: string): Generator<string[]> {
    let after = -1;
    for (;;) {
      const rows = this.pageStmt.all(run, after, PAGE);
      if (rows.length === 0) return;
      yield rows.map((r) => r.body);
      after = rows[rows.length - 1]!.seq;
      if (rows.length < PAGE) return;
    }
  }

  /** A run's events sorted by seq. */
  runEvents(run: string): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (const page of this.runBodies(run)) for (const body of page) out.push(JSON.parse(body) as TraceEvent);
    return out;
  }

  hasRunId(run: string): boolean {
    return this.hasRun.get(run) !== undefined;
  }

  /** Deletes a run and its events; false when there was no such run. */
  deleteRun(run: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM events WHERE run = ?').run(run);
      this.db.prepare('DELETE FROM otlp_spans WHERE run = ?').run(run);
      return this.db.prepare('DELETE FROM runs WHERE id = ?').run(run).changes > 0;
    })();
  }

  /** Runs newest first, with anomaly counts; runs that changed since their last analysis are analyzed now. */
  listRuns(): RunListItem[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY created DESC').all() as RunRow[];
    return rows.map((r) => this.toListItem(r.analyzed === r.events ? r : this.reanalyze(r.id)));
  }

  getRun(run: string): RunListItem | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(run) as RunRow | undefined;
    if (!row) return null;
    return this.toListItem(row.analyzed === row.events ? row : this.reanalyze(run));
  }

  private reanalyze(run: string): RunRow {
    const events = this.runEvents(run);
    const summary = analyzeRuns(new Map([[run, events]])).runs[0];
    if (summary) {
      this.db
        .prepare(
          `UPDATE runs SET agent = ?, mode = ?, status = ?, t_start = ?, t_end = ?, analyzed = ?,
             n_error = ?, n_warning = ?, n_info = ? WHERE id = ? AND events = ?`,
        )
        .run(
          summary.agent,
          summary.mode,
          summary.status,
          summary.start,
          summary.end,
          events.length,
          summary.anomalies.error,
          summary.anomalies.warning,
          summary.anomalies.info,
          run,
          events.length,
        );
    }
    return this.db.prepare('SELECT * FROM runs WHERE id = ?').get(run) as RunRow;
  }

  private toListItem(r: RunRow): RunListItem {
    return {
      id: r.id,
      agent: r.agent,
      mode: r.mode,
      status: r.status,
      start: r.t_start,
      end: r.t_end,
      events: r.events,
      anomalies: { error: r.n_error, warning: r.n_warning, info: r.n_info },
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
