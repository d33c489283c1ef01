// The collector's storage contract, implemented by SQLite (sqlite-event-store.ts, the embedded
// default) and PostgreSQL (postgres-event-store.ts, for many nodes). Events are keyed by (run, seq),
// one batch is one transaction, and every method is async so a networked database fits behind it.
import type { GenAiSpan } from '@causelane/importers';
import type { RunListItem, TraceEvent } from '@causelane/trace-schema';

export {
  InvalidCursorError,
  SeqConflictError,
  SpanRunConflictError,
  StoreBusyError,
  StoreDataError,
} from './store-errors.ts';

export interface StoredBatch {
  stored: number;
  duplicates: number;
  /** Newly stored events per run, in batch order (duplicates left out). */
  fresh: Map<string, TraceEvent[]>;
  /** Runs this batch created. */
  created: string[];
}

export interface StoredSpan {
  span: GenAiSpan;
  /** The run the span was last derived into ('' for a span just put). */
  run: string;
}

/** One page of the run list, newest first; `next` is the cursor of the following page, or null. */
export interface RunPage {
  runs: RunListItem[];
  next: string | null;
}

export interface RunPageRequest {
  /** 1..MAX_RUN_PAGE; DEFAULT_RUN_PAGE when left out. */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string | null;
  /** Only runs whose id or agent holds this text (case-insensitive for ASCII). */
  q?: string;
}

export const DEFAULT_RUN_PAGE = 1000;
export const MAX_RUN_PAGE = 5000;

/** What a write transaction may do; every call runs inside the one open transaction. */
export interface StoreTx {
  /** As EventStore.insert, without the OTLP-run check (the span path writes OTLP runs). */
  insert(events: readonly TraceEvent[], bodies: readonly string[]): Promise<StoredBatch>;
  /** Replaces all of a run's events: the run keeps its place in the list, its summary is rebuilt. */
  replaceRunEvents(
    run: string,
    events: readonly TraceEvent[],
    bodies: readonly string[],
  ): Promise<StoredBatch>;
  /** Deletes a run, its events and its OTLP spans; false when there was no such run. */
  deleteRun(run: string): Promise<boolean>;
  hasRunId(run: string): Promise<boolean>;
  /** Every stored body of a run in seq order. */
  runBodies(run: string): Promise<string[]>;
  /** Keeps the first copy of each span (a re-sent one is ignored); a new span waits for its run (''). */
  putSpans(spans: readonly GenAiSpan[]): Promise<void>;
  spansOfTraces(traceIds: readonly string[]): Promise<StoredSpan[]>;
  assignSpans(spans: readonly GenAiSpan[], run: string): Promise<void>;
  spansOfRun(run: string): Promise<GenAiSpan[]>;
  /** True when the run was made from OTLP spans. */
  isSpanRun(run: string): Promise<boolean>;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Stores a batch of valid events atomically: all new ones or none, acknowledged only once
   * committed. Exact repeats of a stored (run, seq) count as duplicates; a repeat with other
   * content throws SeqConflictError, events for an OTLP-made run throw SpanRunConflictError, a value
   * the database cannot hold throws StoreDataError, and a transient refusal throws StoreBusyError;
   * each rolls the whole batch back.
   * `bodies[i]` is `JSON.stringify(events[i])`.
   */
  insert(events: readonly TraceEvent[], bodies: readonly string[]): Promise<StoredBatch>;
  /**
   * Runs `fn` in one write transaction; it commits when `fn` resolves, and rolls back when it throws.
   * Inside `fn`, use only `tx` (on SQLite another store call would wait for this transaction).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Stored JSON bodies of a run in seq order, a page at a time. */
  runBodies(run: string): AsyncGenerator<string[]>;
  /** A run's events sorted by seq (a body that does not parse is skipped and logged). */
  runEvents(run: string): Promise<TraceEvent[]>;
  hasRunId(run: string): Promise<boolean>;
  /** Deletes a run with its events and OTLP spans; false when there was no such run. */
  deleteRun(run: string): Promise<boolean>;
  /** One page of runs, newest first, from the summary rows alone (events are never read). */
  listRuns(page?: RunPageRequest): Promise<RunPage>;
  getRun(run: string): Promise<RunListItem | null>;
  /** Deletes up to `limit` runs whose last write is older than `cutoffMs`; returns their ids. */
  deleteRunsIdleSince(cutoffMs: number, limit: number): Promise<string[]>;
  /** Resolves once every anomaly summary scheduled so far has been written. */
  summariesIdle(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreLog {
  info(msg: string): void;
  error(msg: string): void;
}

export interface StoreOptions {
  log?: StoreLog;
  /** Wall clock for summaries and retention; tests pass a fake one. */
  now?: () => number;
}
