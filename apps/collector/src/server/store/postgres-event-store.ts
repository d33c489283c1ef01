// The store for many collector nodes: PostgreSQL through node-postgres (pg). One transaction per
// batch, the ack only after COMMIT (PostgreSQL syncs its WAL at commit by default), migrations
// applied at start (postgres-migrations.ts), the statements of a write in postgres-tx.ts.
import type { RunListItem, TraceEvent } from '@causelane/trace-schema';
import pg from 'pg';
import type {
  EventStore,
  RunPage,
  RunPageRequest,
  StoredBatch,
  StoreLog,
  StoreOptions,
  StoreTx,
} from './event-store.ts';
import { migratePostgres } from './postgres-migrations.ts';
import { analyzeInline, deleteRunIn, postgresTx, type TxContext, writeBatch } from './postgres-tx.ts';
import { RunAnalyzer } from './run-analyzer.ts';
import { decodeCursor, encodeCursor, listItemsOf, pageLimit, parseBodies, type RunRow } from './run-rows.ts';
import { checkStorable, classifyPgError, SpanRunConflictError } from './store-errors.ts';

export interface PostgresStoreOptions extends StoreOptions {
  /** Connections in the pool. Default 10. */
  poolSize?: number;
}

const PAGE = 5000;
const SILENT: StoreLog = { info: () => {}, error: () => {} };
const INT8 = 20;

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres';
  private readonly analyzer: RunAnalyzer;
  private readonly log: StoreLog;
  private readonly now: () => number;
  private clock = 0;
  private readonly created = () => {
    this.clock = Math.max(this.now(), this.clock + 0.001);
    return this.clock;
  };

  private constructor(
    readonly pool: pg.Pool,
    opts: StoreOptions,
  ) {
    this.log = opts.log ?? SILENT;
    this.now = opts.now ?? Date.now;
    this.analyzer = new RunAnalyzer(
      {
        load: async (run) => {
          const { rows } = await this.pool.query<{ events: number; created: number }>(
            'SELECT events, created FROM runs WHERE id = $1',
            [run],
          );
          const row = rows[0];
          return row ? { count: row.events, created: row.created, events: await this.runEvents(run) } : null;
        },
        // One statement, so the count and the events come from one snapshot.
        loadAfter: async (run, after) => {
          const { rows } = await this.pool.query<{ events: number; created: number; body: string | null }>(
            `SELECT r.events, r.created, e.body FROM runs r
               LEFT JOIN events e ON e.run = r.id AND e.seq > $2 WHERE r.id = $1 ORDER BY e.seq`,
            [run, after],
          );
          if (!rows[0]) return null;
          const events: TraceEvent[] = [];
          parseBodies(
            run,
            rows.flatMap((r) => (r.body === null ? [] : [r.body])),
            events,
            this.log,
          );
          return { count: rows[0].events, created: rows[0].created, events };
        },
        save: async (run, count, a) => {
          await this.q(
            'UPDATE runs SET analyzed = $1, n_error = $2, n_warning = $3, n_info = $4 WHERE id = $5 AND events = $1',
            [count, a.error, a.warning, a.info, run],
          );
        },
      },
      this.log,
      { now: this.now },
    );
  }

  /** Connects, applies the migrations and catches up run summaries left unanalyzed. */
  static async open(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresEventStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'causelane',
      // Counts and seqs are bigint; they stay far below 2^53.
      types: {
        getTypeParser: ((oid: number, format?: 'text') =>
          oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) as never,
      },
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', (err) => (opts.log ?? SILENT).error(`postgres: ${err.message}`));
    const store = new PostgresEventStore(pool, opts);
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => {});
      throw new Error(`cannot open the PostgreSQL store: ${(err as Error).message}`);
    }
    const { rows } = await pool.query<{ id: string; events: number; analyzed: number }>(
      'SELECT id, events, analyzed FROM runs WHERE analyzed <> events LIMIT 10000',
    );
    for (const r of rows) store.analyzer.touched(r.id, r.events, r.analyzed, false);
    return store;
  }

  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw classifyPgError(err);
    }
  }

  /** Runs `fn` in BEGIN … COMMIT on one pooled connection; the summaries are analyzed after COMMIT. */
  private async inTransaction<T>(fn: (client: pg.PoolClient, ctx: TxContext) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw classifyPgError(err);
    }
    const ctx: TxContext = { touches: [], complete: new Map() };
    let result: T;
    let inline = new Set<string>();
    let broken = false;
    try {
      await client.query('BEGIN');
      result = await fn(client, ctx);
      inline = await analyzeInline(client, this.analyzer.inlineRuns(ctx.touches), ctx, this.log);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw classifyPgError(err);
    } finally {
      client.release(broken);
    }
    this.analyzer.committed(ctx.touches, inline);
    return result;
  }

  async insert(events: readonly TraceEvent[], bodies: readonly string[]): Promise<StoredBatch> {
    checkStorable(events);
    return this.inTransaction(async (client, ctx) => {
      const runs = [...new Set(events.map((e) => e.run))];
      const { rows } = await client.query<{ run: string }>(
        'SELECT DISTINCT run FROM otlp_spans WHERE run = ANY($1::text[])',
        [runs],
      );
      if (rows.length > 0) {
        const spanRuns = new Set(rows.map((r) => r.run));
        const i = events.findIndex((e) => spanRuns.has(e.run));
        throw new SpanRunConflictError(i, events[i]!.run);
      }
      return writeBatch(client, events, bodies, this.created, this.now(), ctx);
    });
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.inTransaction((client, ctx) => fn(postgresTx(client, this.created, this.now, ctx)));
  }

  async *runBodies(run: string): AsyncGenerator<string[]> {
    let after = -1;
    for (;;) {
      const { rows } = await this.q<{ seq: number; body: string }>(
        'SELECT seq, body FROM events WHERE run = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [run, after, PAGE],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => r.body);
      after = rows[rows.length - 1]!.seq;
      if (rows.length < PAGE) return;
    }
  }

  async runEvents(run: string): Promise<TraceEvent[]> {
    const out: TraceEvent[] = [];
    for await (const page of this.runBodies(run)) parseBodies(run, page, out, this.log);
    return out;
  }

  async hasRunId(run: string): Promise<boolean> {
    return ((await this.q('SELECT 1 FROM runs WHERE id = $1', [run])).rowCount ?? 0) > 0;
  }

  deleteRun(run: string): Promise<boolean> {
    return this.inTransaction((client) => deleteRunIn(client, run));
  }

  async listRuns(req?: RunPageRequest): Promise<RunPage> {
    const limit = pageLimit(req);
    const after = req?.cursor ? decodeCursor(req.cursor) : null;
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (after) {
      params.push(after.created, after.id);
      where.push(`(created, id) < ($${params.length - 1}, $${params.length})`);
    }
    const q = req?.q?.trim().toLowerCase();
    if (q) {
      params.push(q);
      where.push(
        `(strpos(lower(id), $${params.length}) > 0 OR strpos(lower(coalesce(agent, '')), $${params.length}) > 0)`,
      );
    }
    params.push(limit + 1);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const { rows } = await this.q<RunRow & { created: number; id: string }>(
      `SELECT * FROM runs ${filter} ORDER BY created DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      runs: listItemsOf(page, this.log),
      next: more && last ? encodeCursor({ created: last.created, id: last.id }) : null,
    };
  }

  async getRun(run: string): Promise<RunListItem | null> {
    const { rows } = await this.q<RunRow>('SELECT * FROM runs WHERE id = $1', [run]);
    return rows[0] ? (listItemsOf([rows[0]], this.log)[0] ?? null) : null;
  }

  async deleteRunsIdleSince(cutoffMs: number, limit: number): Promise<string[]> {
    // One statement, so one short transaction; SKIP LOCKED lets several nodes sweep side by side.
    const { rows } = await this.q<{ id: string }>(
      `WITH doomed AS (SELECT id FROM runs WHERE updated < $1 ORDER BY updated LIMIT $2 FOR UPDATE SKIP LOCKED),
       s AS (DELETE FROM otlp_spans WHERE run IN (SELECT id FROM doomed)),
       e AS (DELETE FROM events WHERE run IN (SELECT id FROM doomed))
       DELETE FROM runs WHERE id IN (SELECT id FROM doomed) RETURNING id`,
      [cutoffMs, limit],
    );
    return rows.map((r) => r.id);
  }

  summariesIdle(): Promise<void> {
    return this.analyzer.idle();
  }

  private closing: Promise<void> | null = null;

  close(): Promise<void> {
    this.analyzer.close();
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
