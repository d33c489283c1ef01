// Versioned schema of the SQLite store, applied at open in one immediate transaction (so two
// processes opening the same file at once apply each step once); the version is PRAGMA user_version.
import type Database from 'better-sqlite3';

/** Step i brings the schema from version i to i + 1. Never edit a released step: add one. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: the schema as first released (files made before versioning already hold it).
  `CREATE TABLE IF NOT EXISTS runs (
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
  CREATE INDEX IF NOT EXISTS otlp_spans_run ON otlp_spans (run);`,
  // 2: keyset paging of the run list, and the time of the last write for retention.
  `ALTER TABLE runs ADD COLUMN updated REAL;
  UPDATE runs SET updated = created;
  CREATE INDEX runs_page ON runs (created DESC, id DESC);
  CREATE INDEX runs_updated ON runs (updated);
  DROP INDEX IF EXISTS runs_created;`,
];

/** Brings the file to the latest version; refuses a file made by a newer collector. */
export function migrateSqlite(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SQLITE_MIGRATIONS.length)
      throw new Error(
        `the database is at schema version ${version}, newer than this collector knows (${SQLITE_MIGRATIONS.length}); upgrade causelane`,
      );
    for (let v = version; v < SQLITE_MIGRATIONS.length; v++) db.exec(SQLITE_MIGRATIONS[v]!);
    if (version < SQLITE_MIGRATIONS.length) db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
  }).immediate();
}
