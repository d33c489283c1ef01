// Opens the store named by `--db` / CAUSELANE_DB: a `postgres://` or `postgresql://` URL selects
// PostgreSQL (loaded only then), anything else is a SQLite file path.
import type { EventStore, StoreOptions } from './event-store.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

export async function openEventStore(db: string, opts: StoreOptions = {}): Promise<EventStore> {
  if (!isPostgresUrl(db)) return new SqliteEventStore(db, opts);
  const { PostgresEventStore } = await import('./postgres-event-store.ts');
  return PostgresEventStore.open(db, opts);
}

/** The `--db` value as it may be printed: a PostgreSQL URL without its password. */
export function describeDb(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const url = new URL(db);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}
