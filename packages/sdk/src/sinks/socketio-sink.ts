// Streams batches to a Causelane collector over socket.io and resolves each write only once the
// collector acks it as durably stored. Unacked batches are kept (bounded) and resent after a
// reconnect, an ack timeout or a "retry later", a window of them at a time and with backoff; the
// collector dedups by (run, seq), so a resend never duplicates.
import {
  INGEST_NAMESPACE,
  type IngestAck,
  type IngestClientToServerEvents,
  type IngestServerToClientEvents,
  type TraceEvent,
} from '@causelane/trace-schema';
import { io, type Socket } from 'socket.io-client';
import { type Backoff, backoffDelay, handshakeRefusal, splitBatches } from './socketio-sink-batches.ts';
import type { SinkAck, TraceSink } from './trace-sink.ts';

export interface SocketIoSinkOptions {
  /** Collector base URL, e.g. `http://127.0.0.1:4800`. */
  url: string;
  /** Sent in the handshake; required by a collector that was started with one. */
  token?: string;
  /** Most unacked events held at once; a write beyond it is rejected rather than grow memory. */
  maxBufferedEvents?: number;
  /** How long to wait for an ack before resending the batch. */
  ackTimeoutMs?: number;
  /** Events per socket message; larger writes are split (the collector caps a batch at 5000). */
  maxBatchEvents?: number;
  /** Bytes of event JSON per message (default 1 MiB): far under the collector's 8 MiB batch limit. */
  maxBatchBytes?: number;
  /** Largest event accepted (default 256 KiB, the collector's default); a bigger one fails its write at once. */
  maxEventBytes?: number;
  /** Batches sent and awaiting an ack at once (default 8); the rest wait their turn, so a backlog never floods the collector. */
  maxInFlightBatches?: number;
  /** Retry delays after an ack timeout or a "retry later" answer: doubling from baseMs up to maxMs, with jitter. */
  retryBackoff?: Partial<Backoff>;
  /** How long close() waits for unacks (default 10 s; Infinity: for ever); then it and the writes reject. */
  closeTimeoutMs?: number;
}

/** close() is bounded so that an agent can exit when the collector never comes back. */
const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** The collector refused the data itself (invalid events, conflicting seq): resending cannot help. */
export class CollectorRejectedError extends Error {
  constructor(
    message: string,
    readonly ack: IngestAck | null,
  ) {
    super(message);
  }
}

interface PendingBatch {
  id: number;
  events: readonly TraceEvent[];
  /** Bumped per send. An `ok` answer to any attempt settles the batch; others count only for the latest. */
  attempt: number;
  /** Failed attempts so far (timeouts, "retry later"), for the backoff. */
  retries: number;
  /** Sent on the current connection and unanswered: it holds a place in the window. */
  inFlight: boolean;
  /** Set while waiting out a backoff. */
  retryTimer: NodeJS.Timeout | null;
  resolve(ack: SinkAck): void;
  reject(err: Error): void;
}

type IngestSocket = Socket<IngestServerToClientEvents, IngestClientToServerEvents>;

export class SocketIoSink implements TraceSink {
  private readonly socket: IngestSocket;
  private readonly pending = new Map<number, PendingBatch>();
  private readonly maxBuffered: number;
  private readonly ackTimeoutMs: number;
  private readonly limits: { maxBatchEvents: number; maxBatchBytes: number; maxEventBytes: number };
  private readonly maxInFlight: number;
  private readonly backoff: Backoff;
  private readonly closeTimeoutMs: number;
  /** Batches ready for their next attempt, in the order they go out. */
  private ready: PendingBatch[] = [];
  private inFlight = 0;
  private refused: CollectorRejectedError | null = null;
  private buffered = 0;
  private nextId = 0;
  private closed = false;
  private drained: (() => void)[] = [];
  private lastError: string | null = null;

  constructor(options: SocketIoSinkOptions) {
    this.maxBuffered = options.maxBufferedEvents ?? 100_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.limits = {
      maxBatchEvents: Math.min(options.maxBatchEvents ?? 1000, 5000),
      maxBatchBytes: options.maxBatchBytes ?? 1024 * 1024,
      maxEventBytes: options.maxEventBytes ?? 256 * 1024,
    };
    this.maxInFlight = Math.max(1, options.maxInFlightBatches ?? 8);
    this.backoff = { baseMs: 100, maxMs: 5000, ...options.retryBackoff };
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.socket = io(`${options.url.replace(/\/+$/, '')}${INGEST_NAMESPACE}`, {
      auth: options.token ? { token: options.token } : {},
      // The token also goes in the engine.io handshake, which a collector with a token checks first.
      extraHeaders: options.token ? { authorization: `Bearer ${options.token}` } : {},
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 2000,
      randomizationFactor: 0.5,
    });
    this.socket.on('connect', () => {
      this.lastError = null;
      // Answers to the old connection's sends will not come: resend, oldest first, a window at a time.
      this.inFlight = 0;
      for (const p of this.pending.values()) p.inFlight = false;
      this.ready = [...this.pending.values()].filter((p) => p.retryTimer === null);
      this.pump();
    });
    this.socket.on('connect_error', (err) => {
      this.lastError = err.message;
      // `active` is false when the namespace middleware refused us (a bad token); a 401/403 at the
      // engine.io handshake says the same. No retry will help.
      const refusal = this.socket.active ? handshakeRefusal(err) : err.message;
      if (refusal === null) return;
      this.refused = new CollectorRejectedError(`collector refused the connection: ${refusal}`, null);
      this.socket.disconnect();
      this.failAll(this.refused);
    });
  }

  /** True while the socket is connected (batches may still be pending). */
  get connected(): boolean {
    return this.socket.connected;
  }

  /** Events written but not yet acked. */
  get bufferedEvents(): number {
    return this.buffered;
  }

  async write(batch: readonly TraceEvent[]): Promise<SinkAck> {
    if (this.closed) throw new Error('SocketIoSink is closed');
    if (this.refused) throw this.refused;
    if (batch.length === 0) return { stored: 0, duplicates: 0 };
    if (this.buffered + batch.length > this.maxBuffered) {
      const why = this.socket.connected
        ? 'the collector is not keeping up'
        : `not connected (${this.lastError ?? 'connecting'})`;
      throw new Error(
        `SocketIoSink buffer full: ${this.buffered} events await an ack (limit ${this.maxBuffered}); ${why}`,
      );
    }
    const parts = splitBatches(batch, this.limits).map((events) => this.enqueue(events));
    const acks = await Promise.all(parts);
    return acks.reduce((a, b) => ({ stored: a.stored + b.stored, duplicates: a.duplicates + b.duplicates }));
  }

  private enqueue(events: readonly TraceEvent[]): Promise<SinkAck> {
    return new Promise<SinkAck>((resolve, reject) => {
      const fresh = { attempt: 0, retries: 0, inFlight: false, retryTimer: null };
      const p: PendingBatch = { id: this.nextId++, events, ...fresh, resolve, reject };
      this.pending.set(p.id, p);
      this.buffered += events.length;
      this.ready.push(p);
      this.pump();
    });
  }

  /** Sends ready batches while the window has room; while disconnected, 'connect' calls it again. */
  private pump(): void {
    while (this.socket.connected && this.inFlight < this.maxInFlight && this.ready.length > 0) {
      const p = this.ready.shift()!;
      if (this.pending.has(p.id) && !p.inFlight && p.retryTimer === null) this.send(p);
    }
  }

  private send(p: PendingBatch): void {
    const attempt = ++p.attempt;
    p.inFlight = true;
    this.inFlight++;
    // The deadline is ours, not socket.io's `timeout()`, which would drop the ack once it passed:
    // a late `ok` to this attempt must still settle the batch after a resend.
    const deadline = setTimeout(() => {
      if (!this.pending.has(p.id) || attempt !== p.attempt) return;
      this.lastError = `no ack within ${this.ackTimeoutMs} ms`;
      this.release(p);
      // After a disconnect the 'connect' handler resends; a plain timeout backs off.
      if (this.socket.connected) this.retryLater(p, 0);
      this.pump();
    }, this.ackTimeoutMs);
    this.socket.emit('events', { batch: p.id, events: p.events as TraceEvent[] }, (ack: IngestAck) => {
      clearTimeout(deadline);
      if (!this.pending.has(p.id)) return;
      // The batch is stored whichever attempt says so.
      if (ack?.ok) return this.answer(p, ack);
      if (attempt !== p.attempt) return;
      this.release(p);
      this.answer(p, ack);
      this.pump();
    });
  }

  /** Frees the batch's place in the window. */
  private release(p: PendingBatch): void {
    if (!p.inFlight) return;
    p.inFlight = false;
    this.inFlight--;
  }

  private retryLater(p: PendingBatch, atLeastMs: number): void {
    p.retries++;
    p.retryTimer = setTimeout(
      () => {
        p.retryTimer = null;
        if (!this.pending.has(p.id)) return;
        this.ready.unshift(p);
        this.pump();
      },
      backoffDelay(p.retries, this.backoff, atLeastMs),
    );
  }

  private answer(p: PendingBatch, ack: IngestAck): void {
    if (ack.ok) {
      this.settle(p);
      p.resolve({ stored: ack.stored, duplicates: ack.duplicates });
      this.pump();
    } else if (ack.retryAfterMs !== undefined) {
      this.retryLater(p, ack.retryAfterMs);
    } else {
      this.settle(p);
      const detail = ack.rejected?.map((r) => `event ${r.index}: field ${r.field}: ${r.message}`).join('; ');
      p.reject(
        new CollectorRejectedError(
          `collector rejected the batch: ${ack.error}${detail ? ` (${detail})` : ''}`,
          ack,
        ),
      );
    }
  }

  private settle(p: PendingBatch): void {
    if (p.retryTimer) clearTimeout(p.retryTimer);
    p.retryTimer = null;
    this.release(p);
    this.pending.delete(p.id);
    this.buffered -= p.events.length;
    if (this.pending.size === 0) {
      const waiters = this.drained;
      this.drained = [];
      for (const w of waiters) w();
    }
  }

  private failAll(err: Error): void {
    for (const p of [...this.pending.values()]) {
      this.settle(p);
      p.reject(err);
    }
  }

  /** Resolves once every write so far is acked or has failed; keeps resending across reconnects. */
  flush(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /**
   * Waits for every write to be acked, then disconnects. If that takes longer than closeTimeoutMs,
   * it disconnects anyway and rejects (as do the writes still waiting), saying how many events the
   * collector never acknowledged: they may or may not be stored.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = Number.isFinite(this.closeTimeoutMs)
      ? new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.closeTimeoutMs);
        })
      : new Promise<never>(() => {});
    const outcome = await Promise.race([this.flush().then(() => 'flushed' as const), deadline]);
    clearTimeout(timer);
    this.closed = true;
    if (outcome === 'flushed') {
      this.socket.disconnect();
      return;
    }
    const err = new Error(
      `SocketIoSink.close: ${this.buffered} event${this.buffered === 1 ? '' : 's'} in ${this.pending.size} batch${this.pending.size === 1 ? '' : 'es'} not acknowledged by the collector within ${this.closeTimeoutMs} ms (${this.socket.connected ? 'no ack' : `not connected: ${this.lastError ?? 'connecting'}`}); they may not be stored`,
    );
    this.failAll(err);
    this.socket.disconnect();
    throw err;
  }
}
