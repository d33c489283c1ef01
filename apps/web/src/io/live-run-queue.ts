// Live batches waiting to be analyzed, coalesced per run so analysis runs at most once per flush.
// A reset (the collector re-derived the run) drops whatever was queued for that run before it.

export interface LiveUpdate {
  run: string;
  events: unknown[];
  /** The events are the run's whole history: the worker must forget what it holds for it. */
  reset: boolean;
}

export class LiveRunQueue {
  private readonly pending = new Map<string, LiveUpdate>();

  /** Queues events that continue what is held (or queued) for the run. */
  append(run: string, events: readonly unknown[]): void {
    const q = this.pending.get(run);
    if (q) q.events.push(...events);
    else this.pending.set(run, { run, events: [...events], reset: false });
  }

  /** Queues the run's whole history, replacing everything held and queued for it. */
  reset(run: string, events: readonly unknown[]): void {
    this.pending.set(run, { run, events: [...events], reset: true });
  }

  /** Forgets what is queued for a run (it is no longer watched). */
  drop(run: string): void {
    this.pending.delete(run);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Takes every queued update, one per run, in the order the runs were first queued. */
  drain(): LiveUpdate[] {
    const out = [...this.pending.values()];
    this.pending.clear();
    return out;
  }
}
