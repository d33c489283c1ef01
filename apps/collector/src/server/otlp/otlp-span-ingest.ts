// OTLP spans into stored runs, with appends that stay cheap as a run grows. Spans are stored as
// they come (table otlp_spans), and a run's events are derived again from all of its spans, so a
// late span can change events already stored (run:reset). Small traces are derived before the
// answer; once a trace holds more than INLINE_SPANS spans, requests only store their spans and one
// coalesced pass derives every trace that changed, running at most half the time, so the cost of a
// request stays O(its spans) and one derivation is shared by all requests that arrived meanwhile.
// Spans stored but not derived when the process died are found at the next start (run '').
import { type GenAiSpan, ImportError, runOfSpans } from '@causelane/importers';
import type { Limits } from '../limits.ts';
import type { RunFanout } from '../socket/run-fanout.ts';
import { type EventStore, StoreBusyError } from '../store/event-store.ts';
import { checkForeign, ForeignRunError, type RunChange, rederiveRun } from './run-rederive.ts';
import { SpanLinks } from './span-links.ts';

export type SpanIngestResult =
  /** `runs`: the runs derived now; `deferred`: stored, to be derived in a coalesced pass. */
  | { ok: true; runs: string[]; deferred?: true }
  /** 503: the database refused for now; the exporter should retry (OTLP/HTTP's retryable status). */
  | { ok: false; status: 400 | 409 | 503; error: string };

/**
 * A trace with more spans than this is derived in the background, coalesced. A count, not a time,
 * so what a client sees does not depend on how busy the machine is (deriving grows faster than
 * the span count: see docs/performance.md).
 */
export const INLINE_SPANS = 64;
/** Runs (newest first) whose spans are indexed again at start, for rootless runs that continue. */
const RECENT_RUNS = 200;
/** Trace sizes remembered; the oldest are forgotten past this (they are then derived inline once). */
const MAX_SIZES = 10_000;

export interface OtlpSpanIngestOptions {
  log?: { error(msg: string): void };
  /** Overrides INLINE_SPANS (0 defers every request for a trace after its first). */
  inlineSpans?: number;
}

export class OtlpSpanIngest {
  /** Trace ids whose spans were stored but not derived yet. */
  private readonly pending = new Set<string>();
  /** Spans of each trace's run at its last derivation. */
  private readonly size = new Map<string, number>();
  /** Traces whose spans may share a run without a root span (conversation, call ids, timing). */
  private readonly links = new SpanLinks();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private nextPassAt = 0;
  private idleWaiters: (() => void)[] = [];
  private closing = false;
  /** Finding spans a previous process stored but did not derive (it was killed before its pass). */
  private recovering: Promise<void> | null;
  /** Derivation passes run so far (inline or coalesced), for tests and benchmarks. */
  passes = 0;

  constructor(
    private readonly store: EventStore,
    private readonly fanout: RunFanout,
    private readonly limits: Pick<Limits, 'maxEventBytes'>,
    private readonly opts: OtlpSpanIngestOptions = {},
  ) {
    this.recovering = this.recover().finally(() => {
      this.recovering = null;
      this.settle();
    });
  }

  /**
   * Spans still waiting for their run ('') were stored by a request whose pass never ran (or only
   * name an agent so far): their traces are derived again, so a killed collector loses nothing.
   */
  private async recover(): Promise<void> {
    await Promise.resolve();
    try {
      // The newest runs' spans are indexed again, so a rootless agent still running across a
      // restart keeps chaining into its run (older runs are not looked at: see docs/importers.md).
      const recent = (await this.store.listRuns({ limit: RECENT_RUNS })).runs.map((r) => r.id);
      const unplaced = await this.store.transaction(async (tx) => {
        for (const run of recent) if (await tx.isSpanRun(run)) this.links.add(await tx.spansOfRun(run));
        return tx.spansOfRun('');
      });
      this.links.add(unplaced);
      for (const s of unplaced) this.pending.add(s.traceId);
      this.schedule();
    } catch (err) {
      this.log().error(`OTLP spans waiting for their runs could not be read: ${(err as Error).message}`);
    }
  }

  private log(): { error(msg: string): void } {
    return this.opts.log ?? { error: (m: string) => process.stderr.write(`${m}\n`) };
  }

  private settle(): void {
    if (this.pending.size === 0 && !this.timer && !this.running && !this.recovering)
      for (const w of this.idleWaiters.splice(0)) w();
  }

  async ingest(spans: readonly GenAiSpan[]): Promise<SpanIngestResult> {
    if (spans.length === 0) return { ok: true, runs: [] };
    const traces = [...new Set(spans.map((s) => s.traceId))];
    const limit = this.opts.inlineSpans ?? INLINE_SPANS;
    // A rootless span is placed with the runs it may join: their size counts too.
    const linked = this.links.linked(spans);
    this.links.add(spans);
    const small = (t: string) => !this.pending.has(t) && (this.size.get(t) ?? 0) <= limit;
    const cheap = traces.every(small) && [...linked].every(small);
    if (cheap || this.closing) return this.refusal(() => this.derive(traces, spans));
    // Only the spans now, in their own transaction; a run named by conversation id that holds
    // other events is refused here, as the inline path would.
    const stored = await this.refusal(async () => {
      await this.store.transaction(async (tx) => {
        for (const conv of new Set(spans.map((s) => s.conversationId).filter((c) => c !== undefined)))
          await checkForeign(tx, conv);
        await tx.putSpans(spans);
      });
      return { ok: true, runs: [], deferred: true } as const;
    });
    if (stored.ok) {
      for (const t of traces) this.pending.add(t);
      this.schedule();
    }
    return stored;
  }

  /** Resolves once every stored span has been derived into its run. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && !this.running && !this.timer && !this.recovering) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Derives what is pending at once (no cool-down), for a clean shutdown. */
  async close(): Promise<void> {
    await this.recovering;
    this.closing = true;
    this.nextPassAt = 0;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.running || this.pending.size > 0) await (this.running ?? this.pass());
  }

  private async refusal(work: () => Promise<SpanIngestResult>): Promise<SpanIngestResult> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ForeignRunError) return { ok: false, status: 409, error: err.message };
      if (err instanceof StoreBusyError) return { ok: false, status: 503, error: err.message };
      if (err instanceof ImportError)
        return { ok: false, status: 400, error: `${err.message}; nothing was stored` };
      throw err;
    }
  }

  private schedule(): void {
    if (this.closing || this.timer || this.running || this.pending.size === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.pass();
      },
      Math.max(0, this.nextPassAt - performance.now()),
    );
  }

  /** One coalesced derivation of every pending trace; a trace that cannot be derived is retried alone. */
  private pass(): Promise<void> {
    const traces = [...this.pending];
    this.pending.clear();
    if (traces.length === 0) return Promise.resolve();
    this.running = (async () => {
      const started = performance.now();
      try {
        await this.derive(traces);
      } catch (err) {
        if (err instanceof StoreBusyError) for (const t of traces) this.pending.add(t);
        else if (traces.length > 1) for (const t of traces) await this.deriveAlone(t);
        else this.reportFailure(traces[0]!, err);
      }
      // Cool down as long as the pass took: derivation gets at most half of the time.
      this.nextPassAt = performance.now() + (performance.now() - started);
    })().finally(() => {
      this.running = null;
      this.schedule();
      this.settle();
    });
    return this.running;
  }

  private async deriveAlone(trace: string): Promise<void> {
    try {
      await this.derive([trace]);
    } catch (err) {
      if (err instanceof StoreBusyError) this.pending.add(trace);
      else this.reportFailure(trace, err);
    }
  }

  private reportFailure(trace: string, err: unknown): void {
    // The spans stay stored; the next request for this trace, or the next start, derives it again.
    this.log().error(`OTLP trace ${trace}: its run cannot be derived: ${(err as Error).message}`);
  }

  /**
   * In one transaction: keeps `spans` (when given), places every span of the traces in its run
   * (with the runs they may join), and re-derives each run whose spans changed, exactly as a one-shot
   * import of everything received so far would; its stored events are extended when the old ones
   * are a prefix of the new ones, or else replaced (two runs found to be one: the later is deleted,
   * the earlier reset). After the commit, watchers get the new tail as `run:events`, or the whole
   * run as `run:reset`, never an event twice.
   */
  private async derive(traces: readonly string[], spans?: readonly GenAiSpan[]): Promise<SpanIngestResult> {
    const changes: RunChange[] = [];
    const sizes = new Map<string, number>();
    const mine = new Set(traces);
    const touched = new Set<string>();
    await this.store.transaction(async (tx) => {
      changes.length = 0;
      sizes.clear();
      touched.clear();
      if (spans) await tx.putSpans(spans);
      // A trace's spans may join a conversation named by a span of a later batch, or a rootless
      // run its model calls continue: place them all again.
      const stored = await this.links.scope(tx, traces);
      const key = (s: GenAiSpan) => `${s.traceId}\u0001${s.spanId}`;
      const was = new Map(stored.map((s) => [key(s.span), s.run]));
      const before = new Set(stored.map((s) => s.run).filter((r) => r !== ''));
      const placed = runOfSpans(stored.map((s) => s.span));
      const changed = new Set<string>();
      for (const [run, list] of placed) {
        if (!before.has(run)) await checkForeign(tx, run);
        const moved = list.filter((s) => was.get(key(s)) !== run);
        if (moved.length > 0) {
          await tx.assignSpans(moved, run);
          changed.add(run);
          for (const s of moved) if (was.get(key(s))) changed.add(was.get(key(s))!);
        }
        for (const s of list) {
          sizes.set(s.traceId, list.length);
          if (mine.has(s.traceId)) touched.add(run);
        }
      }
      for (const run of changed) changes.push(await rederiveRun(tx, run, this.limits.maxEventBytes));
    });
    this.passes++;
    for (const [t, n] of sizes) {
      this.size.delete(t);
      this.size.set(t, n);
    }
    for (const t of this.size.keys()) {
      if (this.size.size <= MAX_SIZES) break;
      this.size.delete(t);
    }
    // Same tick as the commit, as in IngestService.ingestEvents.
    for (const c of changes) {
      if (c.kind === 'extended') {
        this.fanout.publish(c.run, c.fresh);
        this.fanout.runChanged(c.run, c.created ? 'created' : 'updated');
      } else if (c.kind === 'reset') {
        this.fanout.reset(c.run, c.events);
        this.fanout.runChanged(c.run, 'updated');
      } else if (c.kind === 'deleted') this.fanout.runChanged(c.run, 'deleted');
    }
    const deleted = new Set(changes.filter((c) => c.kind === 'deleted').map((c) => c.run));
    return { ok: true, runs: [...touched].filter((r) => !deleted.has(r)) };
  }
}
