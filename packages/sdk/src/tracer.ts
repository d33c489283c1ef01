// Stamps format-v1 events with the run id, a per-run monotonic seq and wall-clock t, and hands them
// to sinks in batches: emit() only appends to a buffer, so no IO happens per event.
import { type EventBody, loneSurrogateIndex, type TraceEvent, VERSION } from '@causelane/trace-schema';
import type { TraceSink } from './sinks/trace-sink.ts';

/**
 * A sink with its own deadline for the final flush/close: a file can be given all the time it
 * needs while a collector that may be down is given up on quickly.
 */
export interface TimedSink {
  sink: TraceSink;
  /** Replaces TracerOptions.flushTimeoutMs for this sink; Infinity waits for ever. */
  timeoutMs: number;
}

export interface TracerOptions {
  /** Run id; a random one when omitted. */
  run?: string;
  /** Sinks, each with the tracer's flushTimeoutMs or its own deadline. */
  sinks: (TraceSink | TimedSink)[];
  /** Events per batch; a full buffer is written at once. Default 256. */
  batchSize?: number;
  /** How long an event may wait in the buffer. Default 50 ms. */
  flushIntervalMs?: number;
  /**
   * How long flush() waits for a sink to store what it was given, and close() for that plus the
   * sink's close() (one deadline for both), before reporting it as failed. Applies to sinks
   * without their own timeoutMs. Default 10 s; Infinity waits for ever.
   */
  flushTimeoutMs?: number;
  /** Wall clock for `t` (ms since the epoch); a simulated run passes its clock's. */
  now?: () => number;
}

export function newRunId(prefix = 'run'): string {
  // Cut a long prefix (a title) so the id fits 200 characters, never between the halves of an emoji.
  let head = prefix.slice(0, 191);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}

/** One sink that did not store everything, and how many events it is missing. */
export interface SinkFailure {
  sink: TraceSink;
  /** The sink's position in TracerOptions.sinks. */
  index: number;
  /** Events emitted but never acknowledged by this sink (they may or may not be stored). */
  unacknowledged: number;
  cause: Error;
}

/** flush() or close() could not get every event into every sink; the other sinks are complete. */
export class TraceSinkError extends Error {
  constructor(
    readonly run: string,
    readonly emitted: number,
    readonly failures: readonly SinkFailure[],
  ) {
    super(
      `trace sink failed for run ${run}: ${failures
        .map(
          (f) =>
            `${f.cause.message} (${sinkName(f)}: ${f.unacknowledged} of ${emitted} events not acknowledged)`,
        )
        .join('; ')}`,
    );
  }
}

function sinkName(f: SinkFailure): string {
  const ctor = (f.sink as { constructor?: { name?: string } }).constructor;
  return ctor && ctor !== Object && ctor.name ? ctor.name : `sink ${f.index}`;
}

/**
 * Each sink has its own queue of batches and its own failure, so a sink that fails or stops
 * answering (a collector that is down) never delays or drops what the other sinks get.
 */
interface Lane {
  sink: TraceSink;
  index: number;
  /** This sink's deadline for flush() and for close() as a whole. */
  timeoutMs: number;
  /** Batches go out one after another, so a sink never sees two writes at once and order holds. */
  chain: Promise<void>;
  /** Events whose write resolved. */
  acked: number;
  /** Set on the first failed write; later batches skip this sink (a gap would be worse than a stop). */
  failure: Error | undefined;
}

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

const isTimed = (s: TraceSink | TimedSink): s is TimedSink =>
  typeof (s as Partial<TraceSink>).write !== 'function' && 'sink' in s;

/** A failure that is only lateness: forgiven if the sink turns out to have everything after all. */
class LateError extends Error {}

/** Resolves to true when `p` settles before `deadline` (a performance.now() time), false when the time runs out first. */
function within(p: Promise<unknown>, deadline: number): Promise<boolean> {
  const ms = deadline - performance.now();
  // A rejection after the time ran out has no one left to hear it.
  p.catch(() => {});
  if (!(ms <= 2_147_483_647)) return p.then(() => true);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  return Promise.race([p.then(() => true as const), expired]).finally(() => clearTimeout(timer));
}

export class Tracer {
  readonly run: string;
  private readonly lanes: Lane[];
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly now: () => number;
  private seq = 0;
  private buffer: TraceEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private dropped = 0;

  constructor(opts: TracerOptions) {
    if (opts.run !== undefined && (opts.run.length < 1 || opts.run.length > 200)) {
      throw new Error(`run id must be 1-200 characters, got ${opts.run.length}`);
    }
    const cut = opts.run === undefined ? -1 : loneSurrogateIndex(opts.run);
    if (cut !== -1)
      throw new Error(
        `run id has an unpaired surrogate at index ${cut} (a title cut through an emoji?); use newRunId(title)`,
      );
    this.run = opts.run ?? newRunId();
    const defaultTimeoutMs = Math.max(0, opts.flushTimeoutMs ?? 10_000);
    this.lanes = opts.sinks.map((s, index) => ({
      sink: isTimed(s) ? s.sink : s,
      index,
      timeoutMs: isTimed(s) ? Math.max(0, s.timeoutMs) : defaultTimeoutMs,
      chain: Promise.resolve(),
      acked: 0,
      failure: undefined,
    }));
    this.batchSize = Math.max(1, opts.batchSize ?? 256);
    this.flushIntervalMs = Math.max(0, opts.flushIntervalMs ?? 50);
    this.now = opts.now ?? (() => performance.timeOrigin + performance.now());
  }

  /** Events stamped so far. */
  get emitted(): number {
    return this.seq;
  }

  /** Events emitted after close(): dropped, never thrown (a late tool answer must not crash the agent). */
  get droppedAfterClose(): number {
    return this.dropped;
  }

  /**
   * Stamps and buffers an event. After close() it is dropped and counted in `droppedAfterClose`
   * (returning undefined): late answers of timed-out tools arrive whenever they like.
   */
  emit(body: EventBody): TraceEvent | undefined {
    if (this.closed) {
      this.dropped++;
      return undefined;
    }
    const event = { v: VERSION, run: this.run, seq: this.seq++, t: this.now(), ...body } as TraceEvent;
    this.buffer.push(event);
    if (this.buffer.length >= this.batchSize) this.ship();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.ship(), this.flushIntervalMs);
      // A pending flush must not keep a finished process alive; close() ships the rest.
      (this.timer as { unref?: () => void }).unref?.();
    }
    return event;
  }

  private ship(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    for (const lane of this.lanes) lane.chain = lane.chain.then(() => this.deliver(lane, batch));
  }

  private async deliver(lane: Lane, batch: readonly TraceEvent[]): Promise<void> {
    if (lane.failure) return;
    try {
      await lane.sink.write(batch);
      lane.acked += batch.length;
    } catch (err) {
      lane.failure ??= toError(err);
    }
  }

  private failureOf(lane: Lane, cause: Error): SinkFailure {
    return { sink: lane.sink, index: lane.index, unacknowledged: this.seq - lane.acked, cause };
  }

  /**
   * Writes everything emitted so far to every sink and flushes them. Rejects with a TraceSinkError
   * naming each sink that failed or did not finish within its timeout (which keeps trying).
   */
  async flush(): Promise<void> {
    this.ship();
    const start = performance.now();
    const failures = await Promise.all(
      this.lanes.map((lane) => this.flushLane(lane, start + lane.timeoutMs)),
    );
    this.throwIfAny(failures);
  }

  private async flushLane(lane: Lane, deadline: number): Promise<SinkFailure | undefined> {
    const t = lane.timeoutMs;
    if (!(await within(lane.chain, deadline)))
      return this.failureOf(lane, new LateError(`no ack within ${t} ms`));
    if (lane.failure) return this.failureOf(lane, lane.failure);
    try {
      if (await within(lane.sink.flush(), deadline)) return undefined;
      return this.failureOf(lane, new LateError(`flush did not finish within ${t} ms`));
    } catch (err) {
      lane.failure ??= toError(err);
      return this.failureOf(lane, lane.failure);
    }
  }

  /**
   * Flushes, then closes every sink, each within its one timeout for both: a sink that never
   * answers is given up on (and still told to close) so the others, and the caller, never wait on
   * it. Rejects with a TraceSinkError if any sink is missing events or failed to close. Events
   * emitted afterwards are dropped and counted (`droppedAfterClose`).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ship();
    const start = performance.now();
    const failures = await Promise.all(
      this.lanes.map((lane) => this.closeLane(lane, start + lane.timeoutMs)),
    );
    this.throwIfAny(failures);
  }

  private async closeLane(lane: Lane, deadline: number): Promise<SinkFailure | undefined> {
    let failure = await this.flushLane(lane, deadline);
    // Past this point nothing more is written to the sink: what it lacks now is missing for good.
    if (failure) lane.failure ??= failure.cause;
    const closing = Promise.resolve().then(() => lane.sink.close());
    let closed = false;
    try {
      closed = await within(closing, deadline);
      if (!closed)
        failure ??= this.failureOf(lane, new LateError(`close did not finish within ${lane.timeoutMs} ms`));
    } catch (err) {
      // The first failure explains the rest (a sink that got no acks then fails to close for that).
      failure ??= this.failureOf(lane, toError(err));
    }
    if (!failure) return undefined;
    // Acks may still have come in while the sink closed.
    failure.unacknowledged = this.seq - lane.acked;
    // A sink that was only slow, but acked every event and closed cleanly, has the whole trace.
    if (failure.cause instanceof LateError && failure.unacknowledged === 0 && closed) return undefined;
    return failure;
  }

  private throwIfAny(failures: (SinkFailure | undefined)[]): void {
    const failed = failures.filter((f): f is SinkFailure => f !== undefined);
    if (failed.length > 0) throw new TraceSinkError(this.run, this.seq, failed);
  }
}
