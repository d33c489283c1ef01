// The events held for a live run, keyed by seq so a batch seen twice (re-watch after a reconnect)
// is not counted twice; a reset replaces them all, since a re-derived run may reuse seqs.
import { type TraceEvent, validateEvent } from '@causelane/trace-schema';

export class LiveRunEvents {
  private bySeq = new Map<number, TraceEvent>();

  constructor(readonly run: string) {}

  /**
   * Takes a batch (the whole history when `reset`); events of other runs or that fail validation
   * are skipped. Returns whether what is held changed.
   */
  apply(incoming: readonly unknown[], reset: boolean): boolean {
    const known = reset ? new Map<number, TraceEvent>() : this.bySeq;
    let added = 0;
    for (const value of incoming) {
      const res = validateEvent(value);
      if (!res.ok || res.event.run !== this.run || known.has(res.event.seq)) continue;
      known.set(res.event.seq, res.event);
      added++;
    }
    this.bySeq = known;
    return added > 0 || reset;
  }

  /** The held events in seq order. */
  sorted(): TraceEvent[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  get size(): number {
    return this.bySeq.size;
  }
}
