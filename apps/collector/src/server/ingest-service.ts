// The one way events enter the collector: validate, enforce the size limit, store atomically in
// SQLite, then fan out. Socket ingest, JSONL uploads, in-process scenario runs and OTLP spans
// (derived per run by otlp/otlp-span-ingest.ts) all call this, so every path has the same guarantees.
import type { GenAiSpan } from '@causelane/importers';
import { type IngestRejection, type TraceEvent, validateEvent } from '@causelane/trace-schema';
import type { Limits } from './limits.ts';
import { OtlpSpanIngest, type SpanIngestResult } from './otlp/otlp-span-ingest.ts';
import type { RunFanout } from './socket/run-fanout.ts';
import {
  type EventStore,
  SeqConflictError,
  SpanRunConflictError,
  StoreBusyError,
  StoreDataError,
} from './store/event-store.ts';

export type { SpanIngestResult } from './otlp/otlp-span-ingest.ts';

export type IngestResult =
  | { ok: true; stored: number; duplicates: number; runs: string[] }
  /**
   * `conflict`: the batch is well-formed but conflicts with what is stored (HTTP 409);
   * `retryAfterMs`: the database refused for now, nothing was stored, send it again (HTTP 503).
   */
  | { ok: false; error: string; rejected: IngestRejection[]; conflict?: true; retryAfterMs?: number };

/** Stop listing rejections after this many; the error message still gives the total. */
const MAX_REJECTIONS = 20;

export class IngestService {
  private readonly spans: OtlpSpanIngest;

  constructor(
    private readonly store: EventStore,
    private readonly fanout: RunFanout,
    private readonly limits: Pick<Limits, 'maxEventBytes'>,
  ) {
    this.spans = new OtlpSpanIngest(store, fanout, limits);
  }

  /**
   * Validates untrusted values (a socket batch, parsed JSON) and stores them if every one is valid.
   * `maxBatchBytes` caps the batch's total JSON (a socket message), answered as an error.
   */
  async ingestValues(
    values: readonly unknown[],
    maxBatchBytes = Number.POSITIVE_INFINITY,
  ): Promise<IngestResult> {
    const rejected: IngestRejection[] = [];
    let bad = 0;
    for (let i = 0; i < values.length; i++) {
      const res = validateEvent(values[i]);
      if (res.ok) continue;
      bad++;
      if (rejected.length < MAX_REJECTIONS) rejected.push({ index: i, ...res.error });
    }
    if (bad > 0)
      return {
        ok: false,
        error: `${bad} of ${values.length} events are invalid; nothing was stored`,
        rejected,
      };
    return this.ingestEvents(values as TraceEvent[], maxBatchBytes);
  }

  /** Stores events that already passed validateEvent; all or nothing. */
  async ingestEvents(
    events: readonly TraceEvent[],
    maxBatchBytes = Number.POSITIVE_INFINITY,
  ): Promise<IngestResult> {
    const bodies = new Array<string>(events.length);
    const rejected: IngestRejection[] = [];
    let big = 0;
    let units = 0;
    for (let i = 0; i < events.length; i++) {
      const body = JSON.stringify(events[i]);
      bodies[i] = body;
      units += body.length;
      // String length counts UTF-16 units; a byte count is only needed near the limit.
      if (
        body.length * 3 > this.limits.maxEventBytes &&
        Buffer.byteLength(body) > this.limits.maxEventBytes
      ) {
        big++;
        if (rejected.length < MAX_REJECTIONS) {
          rejected.push({
            index: i,
            field: '(event)',
            message: `event is ${Buffer.byteLength(body)} bytes; the limit is ${this.limits.maxEventBytes}`,
          });
        }
      }
    }
    if (big > 0)
      return { ok: false, error: `${big} events exceed the event size limit; nothing was stored`, rejected };
    if (units > maxBatchBytes) {
      const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);
      if (bytes > maxBatchBytes)
        return {
          ok: false,
          error: `batch is ${bytes} bytes of events; the limit is ${maxBatchBytes}: send smaller batches (SocketIoSink maxBatchBytes); nothing was stored`,
          rejected: [],
        };
    }
    let batch: Awaited<ReturnType<EventStore['insert']>>;
    try {
      // The store refuses events for a run made from OTLP spans in the insert's own transaction.
      batch = await this.store.insert(events, bodies);
    } catch (err) {
      if (err instanceof SpanRunConflictError)
        return {
          ok: false,
          conflict: true,
          error: err.message,
          rejected: [{ index: err.index, field: 'run', message: err.message }],
        };
      if (err instanceof StoreBusyError)
        return { ok: false, error: err.message, rejected: [], retryAfterMs: err.retryAfterMs };
      if (err instanceof StoreDataError)
        return {
          ok: false,
          error: err.message,
          rejected: [{ index: err.index, field: err.field, message: err.message }],
        };
      if (!(err instanceof SeqConflictError)) throw err;
      return {
        ok: false,
        conflict: true,
        error: `${err.message}; nothing was stored`,
        rejected: [{ index: err.index, field: 'seq', message: err.message }],
      };
    }
    // Same tick as the commit: a watcher that joined before it gets these live, one that joins
    // after it finds them in its history.
    for (const [run, fresh] of batch.fresh) this.fanout.publish(run, fresh);
    const created = new Set(batch.created);
    for (const run of batch.fresh.keys())
      this.fanout.runChanged(run, created.has(run) ? 'created' : 'updated');
    return {
      ok: true,
      stored: batch.stored,
      duplicates: batch.duplicates,
      runs: [...new Set(events.map((e) => e.run))],
    };
  }

  /**
   * Stores GenAI spans from OTLP and derives the runs they touch (see OtlpSpanIngest): a run stored
   * live equals a one-shot import of every span received, and watchers get `run:events` for a new
   * tail or `run:reset` when a late span changed earlier events.
   */
  ingestSpans(spans: readonly GenAiSpan[]): Promise<SpanIngestResult> {
    return this.spans.ingest(spans);
  }

  /** OTLP derivation passes so far (each derives every trace that changed since the last). */
  get spanDerivations(): number {
    return this.spans.passes;
  }

  /** Resolves once every OTLP span stored so far is derived into its run. */
  spansIdle(): Promise<void> {
    return this.spans.idle();
  }

  /** Derives what is still pending; call before closing the store. */
  close(): Promise<void> {
    return this.spans.close();
  }

  /** Deletes a run with its events and any OTLP spans behind it, in one transaction. */
  async deleteRun(run: string): Promise<boolean> {
    // The store deletes the run's events and any OTLP spans behind it in one transaction.
    const deleted = await this.store.deleteRun(run);
    if (deleted) this.fanout.runChanged(run, 'deleted');
    return deleted;
  }
}
