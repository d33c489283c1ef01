// EventColumns: a run's events in seq order read field by field, so analysis can run over plain
// arrays or over the compact columnar store (CompactRun) that big files are read into.
import type { EventType, TraceEvent } from './events.ts';
import type { KeyColumns } from './key-columns.ts';

export interface EventColumns {
  readonly run: string;
  readonly length: number;
  /** seq of the i-th event (ascending). */
  seq(i: number): number;
  /** type of the i-th event, without building the event. */
  type(i: number): EventType;
  /** Wall clock of the i-th event, without building it. */
  t(i: number): number;
  /** Turn of the i-th event, or 0 when it has none. */
  turn(i: number): number;
  /** Call id of the i-th event, if it names one. */
  call(i: number): string | undefined;
  /** Whether the i-th event is a synthetic commit. */
  synthetic(i: number): boolean;
  /** The i-th event; compact columns rebuild it on each call (fields analysis needs only). */
  event(i: number): TraceEvent;
  /**
   * Optional fast path (CompactRun has it): call ids interned per run as 0..callCount-1, so a reader
   * can index arrays instead of looking strings up. callIndex(i) is -1 when the event names no call;
   * an llm.response at i lists listedCount(i) calls, the k-th with index listedCallIndex(i, k) and
   * name listedName(i, k); callId(index) is the id of an index, callIndexOf(id) the index of an
   * id (-1 when the run never names it).
   */
  readonly callCount?: number;
  callIndex?(i: number): number;
  callId?(index: number): string;
  callIndexOf?(id: string): number;
  listedCount?(i: number): number;
  listedCallIndex?(i: number, k: number): number;
  listedName?(i: number, k: number): string;
  /**
   * Optional (CompactRun has it): tool.end reads and writes as columns. endKeys(i) is the i-th
   * event's offset in keyColumns (-1 when it is no tool.end or has none), ok(i) a tool.end's ok.
   */
  readonly keyColumns?: KeyColumns;
  endKeys?(i: number): number;
  ok?(i: number): boolean;
}

/** Wraps one run's events, already sorted by seq and free of repeats. */
export function arrayColumns(run: string, events: readonly TraceEvent[]): EventColumns {
  const field = (i: number) => events[i] as Partial<Record<'turn' | 'call' | 'synthetic', unknown>>;
  return {
    run,
    length: events.length,
    seq: (i) => events[i]!.seq,
    type: (i) => events[i]!.type,
    t: (i) => events[i]!.t,
    turn: (i) => (field(i).turn as number | undefined) ?? 0,
    call: (i) => field(i).call as string | undefined,
    synthetic: (i) => field(i).synthetic === true,
    event: (i) => events[i]!,
  };
}

/** Index of the event with this seq, or -1 (binary search). */
export function indexOfSeq(src: EventColumns, seq: number): number {
  let lo = 0;
  let hi = src.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = src.seq(mid);
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
