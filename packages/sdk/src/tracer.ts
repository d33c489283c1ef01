// Stamps format-v1 events with the run id, a per-run monotonic seq and wall-clock t, and hands them
// to sinks in batches: emit() only appends to a buffer, so no IO happens per event.
import { type EventBody, type TraceEvent, VERSION } from '@causelane/trace-schema';
import type { TraceSink } from './sinks/trace-sink.ts';

export interface TracerOptions {
  /** Run id; a random one when omitted. */
  run?: string;
  sinks: TraceSink[];
  /** Events per batch; a full buffer is written at once. Default 256. */
  batchSize?: number;
  /** How long an event may wait in the buffer. Default 50 ms. */
  flushIntervalMs?: number;
  /** Wall clock for `t` (ms since the epoch); a simulated run passes its clock's. */
  now?: () => number;
}

export function newRunId(prefix = 'run'): string {
  return `${prefix}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}

export class Tracer {
  readonly run: string;
  private readonly sinks: TraceSink[];
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly now: () => number;
  private seq = 0;
  private buffer: TraceEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Batches go out one after another, so a sink never sees two writes at once and order holds. */
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;

  constructor(opts: TracerOptions) {
    if (opts.run !== undefined && (opts.run.length < 1 || opts.run.length > 200)) {
      throw new Error(`run id must be 1-200 characters, got ${opts.run.length}`);
    }
    this.run = opts.run ?? newRunId();
    this.sinks = opts.sinks;
    this.batchSize = Math.max(1, opts.batchSize ?? 256);
    this.flushIntervalMs = Math.max(0, opts.flushIntervalMs ?? 50);
    this.now = opts.now ?? (() => performance.timeOrigin + performance.now());
  }

  /** Events stamped so far. */
  get emitted(): number {
    return this.seq;
  }

  emit(body: EventBody): TraceEvent {
    if (this.closed) throw new Error(`tracer for run ${this.run} is closed; cannot emit ${body.type}`);
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
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        for (const sink of this.sinks) await sink.write(batch);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      }
    });
  }

  /** Writes everything emitted so far; rejects with the first sink error, if any. */
  async flush(): Promise<void> {
    this.ship();
    await this.chain;
    if (this.failure) throw new Error(`trace sink failed for run ${this.run}: ${this.failure.message}`);
    for (const sink of this.sinks) await sink.flush();
  }

  /** Flushes, then closes every sink. Emitting afterwards throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      for (const sink of this.sinks) await sink.close();
    }
  }
}
