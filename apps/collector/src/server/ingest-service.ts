// The one way events enter the collector: validate, enforce the size limit, store atomically in
// SQLite, then fan out. Socket ingest, JSONL uploads, in-process scenario runs and importers
// (OTLP) all call this, so every path has the same guarantees.
import { type IngestRejection, type TraceEvent, validateEvent } from '@causelane/trace-schema';
import { type EventStore, SeqConflictError } from './event-store.ts';
import type { Limits } from './limits.ts';
import type { RunFanout } from './run-fanout.ts';

export type IngestResult =
  | { ok: true; stored: number; duplicates: number; runs: string[] }
  | { ok: false; error: string; rejected: IngestRejection[] };

/** Stop listing rejections after this many; the error message still gives the total. */
const MAX_REJECTIONS = 20;

export class IngestService {
  constructor(
    private readonly store: EventStore,
    private readonly fanout: RunFanout,
    private readonly limits: Pick<Limits, 'maxEventBytes'>,
  ) {}

  /** Validates untrusted values (a socket batch, parsed JSON) and stores them if every one is valid. */
  ingestValues(values: readonly unknown[]): IngestResult {
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
    return this.ingestEvents(values as TraceEvent[]);
  }

  /** Stores events that already passed validateEvent; all or nothing. */
  ingestEvents(events: readonly TraceEvent[]): IngestResult {
    const bodies = new Array<string>(events.length);
    const rejected: IngestRejection[] = [];
    let big = 0;
    for (let i = 0; i < events.length; i++) {
      const body = JSON.stringify(events[i]);
      bodies[i] = body;
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
    let batch: ReturnType<EventStore['insert']>;
    try {
      batch = this.store.insert(events, bodies);
    } catch (err) {
      if (!(err instanceof SeqConflictError)) throw err;
      return {
        ok: false,
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

  deleteRun(run: string): boolean {
    const deleted = this.store.deleteRun(run);
    if (deleted) this.fanout.runChanged(run, 'deleted');
    return deleted;
  }
}
