// Input limits of the collector and the per-connection rate limiter that enforces the event rate.
// Going over any limit yields an error answer (ack or 4xx), never a crash or a dropped connection.

export interface Limits {
  /** Largest single event, in bytes of its JSON form. */
  maxEventBytes: number;
  /** Most events in one socket batch. */
  maxBatchEvents: number;
  /** Largest socket.io message (engine.io `maxHttpBufferSize`); larger ones close the connection. */
  maxMessageBytes: number;
  /** Largest HTTP body (a JSONL upload). */
  maxBodyBytes: number;
  /** Sustained events per second per ingest connection; bursts up to twice that. */
  eventsPerSecond: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxEventBytes: 256 * 1024,
  maxBatchEvents: 5000,
  maxMessageBytes: 16 * 1024 * 1024,
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
