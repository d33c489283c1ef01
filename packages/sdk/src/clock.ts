// Time for executors, tools and the simulated world. The real clock drives live runs; the virtual
// clock jumps from timer to timer so tests can run thousands of schedules in milliseconds.

export interface Clock {
  /** Wall clock, ms since the Unix epoch (fractions allowed). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms`; returns a cancel function. Cheaper than sleep + AbortSignal on hot paths. */
  setTimer(ms: number, fn: () => void): () => void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(ms, fn) {
    // setTimeout fires at once for Infinity or anything past 2^31-1 ms: treat those as never.
    if (!(ms <= 2_147_483_647)) return () => {};
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      if (!Number.isFinite(ms)) {
        // A hang: settles only through the signal.
        signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/** A clock whose real time runs `scale` times faster (scale 10: a 1 s sleep takes 100 ms), stamping scaled time. */
export function scaledClock(scale: number, base: Clock = realClock): Clock {
  if (!(scale > 0)) throw new Error(`time scale must be a positive number, got ${scale}`);
  const origin = base.now();
  return {
    now: () => origin + (base.now() - origin) * scale,
    setTimer: (ms, fn) => base.setTimer(ms / scale, fn),
    sleep: (ms, signal) => base.sleep(ms / scale, signal),
  };
}

interface Timer {
  at: number;
  order: number;
  fire: () => void;
  cancelled: boolean;
}

/**
 * Discrete-event time: `run(fn)` lets every ready promise settle, then jumps to the earliest
 * pending timer and fires it. Deterministic for deterministic code. Only code that waits through
 * this clock is simulated; real IO keeps its own pace.
 */
export class VirtualClock implements Clock {
  private t: number;
  private order = 0;
  private timers: Timer[] = [];

  constructor(readonly startT = 1_760_000_000_000) {
    this.t = startT;
  }

  now(): number {
    return this.t;
  }

  /** Virtual ms since the clock started. */
  elapsed(): number {
    return this.t - this.startT;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.t + Math.max(0, ms), order: this.order++, fire: fn, cancelled: false };
    if (Number.isFinite(ms)) this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        timer.cancelled = true;
        reject(abortReason(signal!));
      };
      const fire = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const timer: Timer = { at: this.t + Math.max(0, ms), order: this.order++, fire, cancelled: false };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(ms)) this.timers.push(timer);
    });
  }

  private nextTimer(): Timer | undefined {
    let best = -1;
    for (let i = 0; i < this.timers.length; i++) {
      const x = this.timers[i]!;
      if (x.cancelled) continue;
      const b = this.timers[best];
      if (!b || x.at < b.at || (x.at === b.at && x.order < b.order)) best = i;
    }
    if (best < 0) {
      this.timers = [];
      return undefined;
    }
    const [timer] = this.timers.splice(best, 1);
    return timer;
  }

  /** Runs `fn` to completion in virtual time. Timers still pending afterwards are dropped. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    let settled = false;
    const result = fn().finally(() => {
      settled = true;
    });
    result.catch(() => {});
    while (!settled) {
      // setImmediate runs only after the microtask queue is empty: everything ready has settled.
      await new Promise<void>((r) => setImmediate(r));
      if (settled) break;
      const timer = this.nextTimer();
      if (!timer) throw new Error('virtual clock: the run is waiting, but nothing is scheduled (a deadlock)');
      this.t = Math.max(this.t, timer.at);
      timer.fire();
    }
    this.timers = [];
    return result;
  }
}
