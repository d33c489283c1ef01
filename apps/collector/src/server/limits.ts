// Input limits of the collector and the per-connection rate limiter that enforces the event rate.
// Going over any limit yields an error answer (ack or 4xx), never a crash; only a socket message past
// maxMessageBytes (far above what the SDK sends) closes its connection.

export interface Limits {
  /** Largest single event, in bytes of its JSON form. */
  maxEventBytes: number;
  /** Most events in one socket batch. */
  maxBatchEvents: number;
  /** Most bytes of event JSON in one socket batch; a bigger one gets an error ack (the SDK sends 1 MiB). */
  maxBatchBytes: number;
  /** Largest socket.io message (engine.io `maxHttpBufferSize`), above maxBatchBytes; larger ones close the connection. */
  maxMessageBytes: number;
  /** Engine.io connections that have not joined a namespace yet (e.g. not authenticated); more get 503. */
  maxPendingConnections: number;
  /** How long a connection may take to join a namespace before it is closed. */
  connectTimeoutMs: number;
  /** Time for a whole HTTP request to arrive (headers and body); a slower one is cut off with 408. */
  requestTimeoutMs: number;
  /** An HTTP connection idle this long is closed (above the socket.io long-polling interval). */
  connectionTimeoutMs: number;
  /** Largest HTTP body (a JSONL upload). */
  maxBodyBytes: number;
  /** Sustained events per second per ingest connection; bursts up to twice that. */
  eventsPerSecond: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxEventBytes: 256 * 1024,
  maxBatchEvents: 5000,
  maxBatchBytes: 8 * 1024 * 1024,
  maxMessageBytes: 16 * 1024 * 1024,
  maxPendingConnections: 64,
  connectTimeoutMs: 5000,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 60_000,
  maxBodyBytes: 64 * 1024 * 1024,
  eventsPerSecond: 250_000,
};

/** Token bucket: `take(n)` answers 0 when n events may pass now, else the ms to wait before a retry. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = perSecond * 2;
    this.tokens = this.burst;
    this.last = now();
  }

  take(n: number): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perSecond) / 1000);
    this.last = t;
    if (n <= this.tokens) {
      this.tokens -= n;
      return 0;
    }
    return Math.ceil(((n - this.tokens) * 1000) / this.perSecond);
  }
}
