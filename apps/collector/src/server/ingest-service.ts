// The one way events enter the collector: validate, enforce the size limit, store atomically in
// SQLite, then fan out. Socket ingest, JSONL uploads, in-process scenario runs and OTLP spans
// (re-derived per run, see ingestSpans) all call this, so every path has the same guarantees.
import { type GenAiSpan, ImportError, runOfSpans, spansToEvents } from '@causelane/importers';
import { type IngestRejection, type TraceEvent, validateEvent } from '@causelane/trace-schema';
import type { Limits } from './limits.ts';
import type { RunFanout } from './socket/run-fanout.ts';
import {
  type EventStore,
  SeqConflictError,
  SpanRunConflictError,
  StoreBusyError,
  type StoreTx,
} from './store/event-store.ts';

export type IngestResult =
  | { ok: true; stored: number; duplicates: number; runs: string[] }
  /**
   * `conflict`: the batch is well-formed but conflicts with what is stored (HTTP 409);
   * `retryAfterMs`: the database refused for now, nothing was stored, send it again (HTTP 503).
   */
  | { ok: false; error: string; rejected: IngestRejection[]; conflict?: true; retryAfterMs?: number };

export type SpanIngestResult =
  | { ok: true; runs: string[] }
  /** 503: the database refused for now; the exporter should retry (OTLP/HTTP's retryable status). */
  | { ok: false; status: 400 | 409 | 503; error: string };

/** What re-deriving one OTLP run did to its stored events, for the fan-out after the commit. */
type RunChange =
  | { run: string; kind: 'unchanged' }
  | { run: string; kind: 'extended'; fresh: TraceEvent[]; created: boolean }
  | { run: string; kind: 'reset'; events: TraceEvent[] }
  | { run: string; kind: 'deleted' };

/**
 * Thrown inside a write transaction when a batch would mix sources in one run: spans for a run that
 * did not come from OTLP, or events for a run that did (its next re-derive would replace them).
 */
class ForeignRunError extends Error {
  constructor(
    message: string,
    /** Index of the first refused event in an event batch. */
    readonly index = 0,
  ) {
    super(message);
  }
}

/** Stop listing rejections after this many; the error message still gives the total. */
const MAX_REJECTIONS = 20;

export class IngestService {
  constructor(
    private readonly store: EventStore,
    private readonly fanout: RunFanout,
    private readonly limits: Pick<Limits, 'maxEventBytes'>,
  ) {}

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
   * Stores GenAI spans from OTLP and re-derives every run they touch. An exporter sends one trace
   * over many requests in any order, and a span that arrives late can change the seqs of events
   * already stored, so a run's events are never patched: in one transaction the spans are kept
   * (table otlp_spans), each touched run is mapped again from all of its spans, exactly as a
   * one-shot import of everything received so far would, and its stored events are extended when
   * the old ones are a prefix of the new ones, or else replaced. After the commit, watchers get
   * the new tail as `run:events`, or the whole run as `run:reset`, never an event twice.
   */
  async ingestSpans(spans: readonly GenAiSpan[]): Promise<SpanIngestResult> {
    if (spans.length === 0) return { ok: true, runs: [] };
    const changes: RunChange[] = [];
    try {
      await this.store.transaction(async (tx) => {
        changes.length = 0;
        await tx.putSpans(spans);
        // A trace's spans may join a conversation named by a span of a later batch: place them all again.
        const stored = await tx.spansOfTraces([...new Set(spans.map((s) => s.traceId))]);
        const before = new Set(stored.map((s) => s.run).filter((r) => r !== ''));
        const placed = runOfSpans(stored.map((s) => s.span));
        for (const [run, list] of placed) {
          if (!before.has(run) && (await tx.hasRunId(run)) && !(await tx.isSpanRun(run)))
            throw new ForeignRunError(
              `run ${JSON.stringify(run)} already holds events that did not come from OTLP; spans cannot be merged into it; nothing was stored`,
            );
          await tx.assignSpans(list, run);
        }
        for (const run of new Set([...before, ...placed.keys()])) changes.push(await this.rederive(tx, run));
      });
    } catch (err) {
      if (err instanceof ForeignRunError) return { ok: false, status: 409, error: err.message };
      if (err instanceof StoreBusyError) return { ok: false, status: 503, error: err.message };
      if (err instanceof ImportError)
        return { ok: false, status: 400, error: `${err.message}; nothing was stored` };
      throw err;
    }
    // Same tick as the commit, as in ingestEvents.
    for (const c of changes) {
      if (c.kind === 'extended') {
        this.fanout.publish(c.run, c.fresh);
        this.fanout.runChanged(c.run, c.created ? 'created' : 'updated');
      } else if (c.kind === 'reset') {
        this.fanout.reset(c.run, c.events);
        this.fanout.runChanged(c.run, 'updated');
      } else if (c.kind === 'deleted') this.fanout.runChanged(c.run, 'deleted');
    }
    return { ok: true, runs: changes.filter((c) => c.kind !== 'deleted').map((c) => c.run) };
  }

  /** Maps a run's stored spans to events again and brings its stored events in line (inside the transaction). */
  private async rederive(tx: StoreTx, run: string): Promise<RunChange> {
    const spans = await tx.spansOfRun(run);
    if (spans.length === 0) {
      // Every span moved to another run (its trace named a conversation in a later batch).
      await tx.deleteRun(run);
      return { run, kind: 'deleted' };
    }
    const events = spansToEvents(run, spans, { source: 'otlp' });
    const bodies = events.map((e) => JSON.stringify(e));
    for (let i = 0; i < bodies.length; i++) {
      const size = Buffer.byteLength(bodies[i]!);
      if (size > this.limits.maxEventBytes)
        throw new ImportError(
          `run ${JSON.stringify(run)} seq ${i}`,
          `the ${events[i]!.type} event is ${size} bytes; the limit is ${this.limits.maxEventBytes}`,
        );
    }
    const old = await tx.runBodies(run);
    if (old.length <= bodies.length && old.every((b, i) => b === bodies[i])) {
      if (old.length === bodies.length) return { run, kind: 'unchanged' };
      const fresh = events.slice(old.length);
      const batch = await tx.insert(fresh, bodies.slice(old.length));
      return { run, kind: 'extended', fresh, created: batch.created.length > 0 };
    }
    await tx.replaceRunEvents(run, events, bodies);
    return { run, kind: 'reset', events };
  }

  /** Deletes a run with its events and any OTLP spans behind it, in one transaction. */
  async deleteRun(run: string): Promise<boolean> {
    // The store deletes the run's events and any OTLP spans behind it in one transaction.
    const deleted = await this.store.deleteRun(run);
    if (deleted) this.fanout.runChanged(run, 'deleted');
    return deleted;
  }
}
