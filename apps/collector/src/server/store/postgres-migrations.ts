// Versioned schema of the PostgreSQL store. Applied at start in one transaction under an advisory
// lock, so two collectors starting at once apply each step exactly once; table schema_migrations
// records what ran.
import type { PoolClient } from 'pg';

/** Step i brings the schema from version i to i + 1. Never edit a released step: add one. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: runs with their incrementally kept summary, events keyed by (run, seq), OTLP spans.
  `CREATE TABLE runs (
    id text COLLATE "C" PRIMARY KEY,
    created double precision NOT NULL,
    updated double precision NOT NULL,
    agent text, mode text, status text,
    t_start double precision, t_end double precision,
    events bigint NOT NULL DEFAULT 0,
    analyzed bigint NOT NULL DEFAULT -1,
    n_error integer NOT NULL DEFAULT 0, n_warning integer NOT NULL DEFAULT 0, n_info integer NOT NULL DEFAULT 0
  );
  CREATE INDEX runs_page ON runs (created, id);
  CREATE INDEX runs_updated ON runs (updated);
  CREATE TABLE events (
    run text COLLATE "C" NOT NULL, seq bigint NOT NULL, body text NOT NULL,
    PRIMARY KEY (run, seq)
  );
  CREATE TABLE otlp_spans (
    trace_id text COLLATE "C" NOT NULL, span_id text COLLATE "C" NOT NULL,
    run text COLLATE "C" NOT NULL, body text NOT NULL,
    PRIMARY KEY (trace_id, span_id)
  );
  CREATE INDEX otlp_spans_run ON otlp_spans (run);`,
];

/** Any constant shared by every collector; it names the lock that serialises migrations. */
const MIGRATION_LOCK = 7_326_110_451;

export async function migratePostgres(client: PoolClient): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations',
    );
    const version = rows[0]?.v ?? 0;
    if (version > POSTGRES_MIGRATIONS.length)
      throw new Error(
        `the database is at schema version ${version}, newer than this collector knows (${POSTGRES_MIGRATIONS.length}); upgrade causelane`,
      );
    for (let v = version; v < POSTGRES_MIGRATIONS.length; v++) {
      await client.query(POSTGRES_MIGRATIONS[v]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
    return POSTGRES_MIGRATIONS.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
