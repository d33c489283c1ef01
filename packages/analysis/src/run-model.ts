// The shapes of the trace model (a run's turns, calls and unmatched events) and the small
// lifecycle helpers the rules share; buildRunModel (model.ts) fills them in one pass.
import { type EventColumns, indexOfSeq, type KeyVersion, type TraceEvent } from '@causelane/trace-schema';

export interface CallModel {
  id: string;
  name: string;
  args: unknown;
  turn: number;
  /** Position in the turn's `llm.response.calls`. */
  index: number;
  /** seq of the `llm.response` that listed the call. */
  listedSeq: number;
  startSeq?: number;
  /** First `tool.end`; its reads and writes are the call's. */
  endSeq?: number;
  ok?: boolean;
  result?: unknown;
  error?: string;
  reads: KeyVersion[];
  writes: KeyVersion[];
  /** First `tool.commit` (later ones are unmatched results). */
  commitSeq?: number;
  synthetic?: boolean;
  timeoutSeq?: number;
  orphanSeq?: number;
  orphanReason?: string;
}

export interface TurnModel {
  turn: number;
  /** First `llm.request` of the turn. */
  requestSeq?: number;
  /** First `llm.response` of the turn. */
  responseSeq?: number;
  /** First `llm.request` of a later turn after the response: the turn is closed from there on. */
  closeSeq?: number;
  /** Turn number of the request that closed it. */
  closedByTurn?: number;
  calls: CallModel[];
}

export type UnmatchedReason = 'unknown-call' | 'wrong-turn' | 'repeat-commit';

export interface UnmatchedEvent {
  seq: number;
  type: 'tool.start' | 'tool.end' | 'tool.commit';
  turn: number;
  call: string;
  reason: UnmatchedReason;
  /** The turn the call really belongs to, for wrong-turn. */
  actualTurn?: number;
  /** The first commit, for repeat-commit. */
  firstCommitSeq?: number;
}

export interface RunModel {
  run: string;
  agent?: string;
  mode?: string;
  status?: string;
  /** The run's events in seq order. */
  source: EventColumns;
  turns: TurnModel[];
  turnByNumber: ReadonlyMap<number, TurnModel>;
  calls: CallModel[];
  callById: ReadonlyMap<string, CallModel>;
  /** `llm.request` events in seq order. */
  requests: { seq: number; turn: number }[];
  unmatched: UnmatchedEvent[];
  startT?: number;
  endT?: number;
  /**
   * Indices (into `source`) of the only events the stale-read rule looks at, noted while the model
   * is built so the rule needs no second pass over every event: first accepted tool.ends that
   * write, state.writes, first accepted non-synthetic tool.commits, and llm.requests.
   */
  staleSteps?: Int32Array;
  /** The call the i-th event names, by interned index (set when the source interns call ids). */
  callOf?: (i: number) => CallModel | undefined;
}

/** The event with this seq, or undefined. */
export function eventBySeq(model: RunModel, seq: number): TraceEvent | undefined {
  const i = indexOfSeq(model.source, seq);
  return i < 0 ? undefined : model.source.event(i);
}

/** A call is resolved at the first of its commit, orphan and timeout. */
export function resolvedSeq(c: CallModel): number | undefined {
  // Unrolled (no array per call: this runs for every call of every closed turn).
  let r = c.commitSeq;
  const o = c.orphanSeq;
  if (o !== undefined && (r === undefined || o < r)) r = o;
  const t = c.timeoutSeq;
  if (t !== undefined && (r === undefined || t < r)) r = t;
  return r;
}

/** A call is closed by its turn's close or by its own timeout, whichever comes first. */
export function callClosedSeq(c: CallModel, t: TurnModel): number | undefined {
  const a = t.closeSeq;
  const b = c.timeoutSeq;
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * Index in `model.requests` of the first `llm.request` at or after `seq` (`requests.length` when
 * none): the request that consumed a result committed at `seq`, and, one before it, the turn the
 * agent was in. Binary search; requests are in seq order.
 */
export function requestIndexAt(model: RunModel, seq: number): number {
  const rq = model.requests;
  let lo = 0;
  let hi = rq.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rq[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
