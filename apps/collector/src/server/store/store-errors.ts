// Typed refusals raised by an EventStore, so callers can answer each one right: a conflict (409),
// a transient refusal the client should retry (with retryAfterMs), or data the database cannot hold.

/** A (run, seq) already stored with different content; the whole batch was rolled back. */
export class SeqConflictError extends Error {
  readonly conflict = true;
  constructor(
    readonly index: number,
    readonly run: string,
    readonly seq: number,
  ) {
    super(`run ${JSON.stringify(run)} seq ${seq} is already stored with different content`);
  }
}

/** Events for a run that was made from OTLP spans (its next re-derive would drop them). */
export class SpanRunConflictError extends Error {
  readonly conflict = true;
  constructor(
    readonly index: number,
    readonly run: string,
  ) {
    super(
      `run ${JSON.stringify(run)} was made from OTLP spans (POST /v1/traces); events from another source cannot be added to it; nothing was stored`,
    );
  }
}

/**
 * The database refused for now (SQLite busy or locked past the busy timeout, a PostgreSQL
 * serialization failure, deadlock or lost connection). Nothing was stored; the same batch may be
 * sent again after `retryAfterMs`.
 */
export class StoreBusyError extends Error {
  readonly retryable = true;
  constructor(
    readonly reason: string,
    readonly retryAfterMs = 250,
  ) {
    super(`the database is busy (${reason}); nothing was stored, retry later`);
  }
}

/** The database cannot hold a value (for example a NUL character in PostgreSQL text); not retryable. */
export class StoreDataError extends Error {
  constructor(
    reason: string,
    /** The event at fault, when known. */
    readonly index = 0,
    readonly field = '(event)',
  ) {
    super(`the database refused the data: ${reason}; nothing was stored`);
  }
}

/**
 * Refuses, the same way on every store, what PostgreSQL text cannot hold: a NUL character in a field
 * that becomes a column (the event bodies are JSON, where NUL is escaped).
 */
export function checkStorable(
  events: readonly { run: string; agent?: unknown; mode?: unknown; status?: unknown }[],
): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    for (const field of ['run', 'agent', 'mode', 'status'] as const) {
      const v = e[field];
      if (typeof v === 'string' && v.includes('\u0000'))
        throw new StoreDataError(`event ${i}: field ${field} holds a NUL character`, i, field);
    }
  }
}

const SQLITE_BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);

/** Maps a better-sqlite3 error to a typed store error, or returns it unchanged. */
export function classifySqliteError(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && SQLITE_BUSY.has(code)) return new StoreBusyError(code.toLowerCase());
  return err;
}

/** PostgreSQL SQLSTATE classes and codes that mean "try the same transaction again". */
const PG_RETRYABLE = new Set([
  '40001',
  '40P01',
  '55P03',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);
const NODE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** Maps a node-postgres error to a typed store error, or returns it unchanged. */
export function classifyPgError(err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (PG_RETRYABLE.has(code) || NODE_NET.has(code)) return new StoreBusyError(`postgres ${code}`, 500);
  const msg = typeof e?.message === 'string' ? e.message : '';
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(msg))
    return new StoreBusyError(`postgres: ${msg}`, 500);
  if (code.startsWith('22')) return new StoreDataError(`postgres ${code}: ${msg}`);
  return err;
}

/** A run-list cursor that this store did not hand out. */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(
      `cursor ${JSON.stringify(cursor.slice(0, 80))} is not one this collector handed out (use the "next" of the previous page)`,
    );
  }
}
