// Streams batches to a Causelane collector over socket.io and resolves each write only once the
// collector acks it as durably stored. Unacked batches are kept (bounded) and resent after a
// reconnect or an ack timeout; the collector dedups by (run, seq), so a resend never duplicates.
import {
  INGEST_NAMESPACE,
  type IngestAck,
  type IngestClientToServerEvents,
  type IngestServerToClientEvents,
  type TraceEvent,
} from '@causelane/trace-schema';
import { io, type Socket } from 'socket.io-client';
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
  /**
   * How long close() waits for unacked batches before giving up on them (default 10 s; Infinity
   * waits for ever). Past it, close() and the pending writes reject, naming what was not stored.
   */
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
  /** Bumped per send, so a late answer to an earlier attempt is ignored. */
  attempt: number;
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
  private readonly maxBatchEvents: number;
  private readonly closeTimeoutMs: number;
  private buffered = 0;
  private nextId = 0;
  private closed = false;
  private drained: (() => void)[] = [];
  private lastError: string | null = null;

  constructor(options: SocketIoSinkOptions) {
    this.maxBuffered = options.maxBufferedEvents ?? 100_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.maxBatchEvents = Math.min(options.maxBatchEvents ?? 1000, 5000);
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.socket = io(`${options.url.replace(/\/+$/, '')}${INGEST_NAMESPACE}`, {
      auth: options.token ? { token: options.token } : {},
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 2000,
      randomizationFactor: 0.5,
    });
    this.socket.on('connect', () => {
      this.lastError = null;
      for (const p of this.pending.values()) this.send(p);
    });
    this.socket.on('connect_error', (err) => {
      this.lastError = err.message;
      // `active` is false when the server's middleware refused us (a bad token): no retry will help.
      if (!this.socket.active)
        this.failAll(new CollectorRejectedError(`collector refused the connection: ${err.message}`, null));
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
    if (batch.length === 0) return { stored: 0, duplicates: 0 };
    if (this.buffered + batch.length > this.maxBuffered) {
      const why = this.socket.connected
        ? 'the collector is not keeping up'
        : `not connected (${this.lastError ?? 'connecting'})`;
      throw new Error(
        `SocketIoSink buffer full: ${this.buffered} events await an ack (limit ${this.maxBuffered}); ${why}`,
      );
    }
    const parts: Promise<SinkAck>[] = [];
    for (let i = 0; i < batch.length; i += this.maxBatchEvents)
      parts.push(this.enqueue(batch.slice(i, i + this.maxBatchEvents)));
    const acks = await Promise.all(parts);
    return acks.reduce((a, b) => ({ stored: a.stored + b.stored, duplicates: a.duplicates + b.duplicates }));
  }

  private enqueue(events: readonly TraceEvent[]): Promise<SinkAck> {
    return new Promise<SinkAck>((resolve, reject) => {
      const p: PendingBatch = { id: this.nextId++, events, attempt: 0, retryTimer: null, resolve, reject };
      this.pending.set(p.id, p);
      this.buffered += events.length;
      this.send(p);
    });
  }

  private send(p: PendingBatch): void {
    if (p.retryTimer) clearTimeout(p.retryTimer);
    p.retryTimer = null;
    // While disconnected, the 'connect' handler sends everything pending.
    if (!this.socket.connected || !this.pending.has(p.id)) return;
    const attempt = ++p.attempt;
    this.socket
      .timeout(this.ackTimeoutMs)
      .emit('events', { batch: p.id, events: p.events as TraceEvent[] }, (err, ack) => {
        if (attempt !== p.attempt || !this.pending.has(p.id)) return;
        if (err) {
          this.lastError = err.message;
          this.send(p);
          return;
        }
        this.answer(p, ack);
      });
  }

  private answer(p: PendingBatch, ack: IngestAck): void {
    if (ack.ok) {
      this.settle(p);
      p.resolve({ stored: ack.stored, duplicates: ack.duplicates });
    } else if (ack.retryAfterMs !== undefined) {
      p.retryTimer = setTimeout(() => this.send(p), ack.retryAfterMs);
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
