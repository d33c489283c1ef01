// A versioned key-value store: each write bumps the key's version and a read returns value and
// version. With replica lag, reads are served by a replica that sees writes only `lagMs` later.
import type { Clock } from '../clock.ts';
import type { ToolContext } from '../tool.ts';

interface Entry {
  version: number;
  value: unknown;
  at: number;
}

export interface StoreRead<T = unknown> {
  value: T | undefined;
  version: number;
}

export interface VersionedStoreOptions {
  clock: Clock;
  /** How long a write takes to reach the read replica. Default 0 (reads see the primary). */
  replicaLagMs?: number;
  /** How often a read below the caller's minimum version retries the replica. Default 25 ms. */
  retryMs?: number;
}

export class VersionedStore {
  private readonly history = new Map<string, Entry[]>();
  private readonly clock: Clock;
  readonly replicaLagMs: number;
  private readonly retryMs: number;

  constructor(opts: VersionedStoreOptions) {
    this.clock = opts.clock;
    this.replicaLagMs = opts.replicaLagMs ?? 0;
    this.retryMs = opts.retryMs ?? 25;
  }

  /** Sets a key without a clock delay (initial data); returns the new version. */
  seed(key: string, value: unknown): number {
    return this.put(key, value, Number.NEGATIVE_INFINITY);
  }

  private put(key: string, value: unknown, at: number): number {
    let h = this.history.get(key);
    if (!h) {
      h = [];
      this.history.set(key, h);
    }
    const version = (h[h.length - 1]?.version ?? 0) + 1;
    h.push({ version, value, at });
    return version;
  }

  /** The primary's current version and value. */
  latest<T = unknown>(key: string): StoreRead<T> {
    const e = this.history.get(key)?.at(-1);
    return { value: e?.value as T | undefined, version: e?.version ?? 0 };
  }

  /** What the replica serves now: the newest write at least `replicaLagMs` old. */
  replica<T = unknown>(key: string): StoreRead<T> {
    const h = this.history.get(key) ?? [];
    const horizon = this.clock.now() - this.replicaLagMs;
    for (let i = h.length - 1; i >= 0; i--) {
      if (h[i]!.at <= horizon) return { value: h[i]!.value as T, version: h[i]!.version };
    }
    return { value: undefined, version: 0 };
  }

  /** Writes and records the write on the call's context. */
  write(key: string, value: unknown, ctx?: ToolContext): number {
    const version = this.put(key, value, this.clock.now());
    ctx?.noteWrite({ key, version });
    return version;
  }

  /**
   * Reads from the replica (the primary when there is no lag) and records the read. When the call
   * carries a minimum version (read-your-writes) and the replica is behind it, waits and retries.
   */
  async read<T = unknown>(key: string, ctx?: ToolContext): Promise<StoreRead<T>> {
    const min = ctx?.minVersion(key) ?? 0;
    let r = this.replica<T>(key);
    while (r.version < min && this.latest(key).version >= min) {
      await this.clock.sleep(this.retryMs, ctx?.signal);
      r = this.replica<T>(key);
    }
    ctx?.noteRead({ key, version: r.version });
    return r;
  }
}
