// The trace model: each run's turns and calls with their lifecycles, built in one pass over the
// run's events in seq order and indexed for direct lookup. Pure data, no I/O: runs in workers.
import {
  arrayColumns,
  type EventColumns,
  indexOfSeq,
  type KeyVersion,
  type TraceEvent,
} from '@causelane/trace-schema';
// A binary heap keeps turn closing O(log n) per request, so analysis stays O(n log n).
import TinyQueue from 'tinyqueue';

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
}

/** The event with this seq, or undefined. */
export function eventBySeq(model: RunModel, seq: number): TraceEvent | undefined {
  const i = indexOfSeq(model.source, seq);
  return i < 0 ? undefined : model.source.event(i);
}

/** Shared by every call without reads or writes (never mutated). */
const NO_KEYS: KeyVersion[] = [];

/** A call is resolved at the first of its commit, orphan and timeout. */
export function resolvedSeq(c: CallModel): number | undefined {
  let r: number | undefined;
  for (const s of [c.commitSeq, c.orphanSeq, c.timeoutSeq])
    if (s !== undefined && (r === undefined || s < r)) r = s;
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

/** Builds the model of one run; `events` must be one run's events sorted by seq, without repeats. */
export function buildRunModel(run: string, events: readonly TraceEvent[] | EventColumns): RunModel {
  const source = Array.isArray(events) ? arrayColumns(run, events) : (events as EventColumns);
  const turnByNumber = new Map<number, TurnModel>();
  const callById = new Map<string, CallModel>();
  const calls: CallModel[] = [];
  const requests: { seq: number; turn: number }[] = [];
  const unmatched: UnmatchedEvent[] = [];
  const openTurns = new TinyQueue<TurnModel>([], (a, b) => a.turn - b.turn);
  const model: RunModel = { run, source, turns: [], turnByNumber, calls, callById, requests, unmatched };

  const turnOf = (n: number): TurnModel => {
    let t = turnByNumber.get(n);
    if (!t) {
      t = {
        turn: n,
        requestSeq: undefined,
        responseSeq: undefined,
        closeSeq: undefined,
        closedByTurn: undefined,
        calls: [],
      };
      turnByNumber.set(n, t);
    }
    return t;
  };

  // Hot fields come from the source's accessors; an event object is built only for the few types
  // whose extra fields the model keeps (a compact source rebuilds one per call).
  for (let i = 0; i < source.length; i++) {
    const type = source.type(i);
    const seq = source.seq(i);
    const t = source.t(i);
    if (model.startT === undefined || t < model.startT) model.startT = t;
    if (model.endT === undefined || t > model.endT) model.endT = t;
    switch (type) {
      case 'run.start': {
        const ev = source.event(i) as Extract<TraceEvent, { type: 'run.start' }>;
        model.agent ??= ev.agent;
        model.mode ??= ev.mode;
        break;
      }
      case 'run.end': {
        const ev = source.event(i) as Extract<TraceEvent, { type: 'run.end' }>;
        model.status ??= ev.status;
        break;
      }
      case 'llm.request': {
        const turn = source.turn(i);
        const tm = turnOf(turn);
        tm.requestSeq ??= seq;
        requests.push({ seq, turn });
        while (openTurns.length > 0 && openTurns.peek()!.turn < turn) {
          const closed = openTurns.pop()!;
          closed.closeSeq = seq;
          closed.closedByTurn = turn;
        }
        break;
      }
      case 'llm.response': {
        const ev = source.event(i) as Extract<TraceEvent, { type: 'llm.response' }>;
        const tm = turnOf(ev.turn);
        if (tm.responseSeq !== undefined) break;
        tm.responseSeq = seq;
        ev.calls.forEach((spec, index) => {
          if (callById.has(spec.id)) return;
          // Every field up front: one hidden class and in-object slots for all calls (leaner, faster).
          const c: CallModel = {
            id: spec.id,
            name: spec.name,
            args: spec.args,
            turn: ev.turn,
            index,
            listedSeq: seq,
            startSeq: undefined,
            endSeq: undefined,
            ok: undefined,
            result: undefined,
            error: undefined,
            reads: NO_KEYS,
            writes: NO_KEYS,
            commitSeq: undefined,
            synthetic: undefined,
            timeoutSeq: undefined,
            orphanSeq: undefined,
            orphanReason: undefined,
          };
          callById.set(spec.id, c);
          calls.push(c);
          tm.calls.push(c);
        });
        openTurns.push(tm);
        break;
      }
      case 'tool.start':
      case 'tool.end':
      case 'tool.commit':
      case 'tool.timeout':
      case 'tool.orphan': {
        const id = source.call(i)!;
        const turn = source.turn(i);
        const c = callById.get(id);
        if (!c || c.turn !== turn) {
          if (type === 'tool.start' || type === 'tool.end' || type === 'tool.commit') {
            unmatched.push({
              seq,
              type,
              turn,
              call: id,
              reason: c ? 'wrong-turn' : 'unknown-call',
              ...(c ? { actualTurn: c.turn } : {}),
            });
          }
          break;
        }
        if (type === 'tool.start') c.startSeq ??= seq;
        else if (type === 'tool.end') {
          if (c.endSeq === undefined) {
            const ev = source.event(i) as Extract<TraceEvent, { type: 'tool.end' }>;
            c.endSeq = seq;
            c.ok = ev.ok;
            c.result = ev.result;
            c.error = ev.error;
            c.reads = ev.reads ?? NO_KEYS;
            c.writes = ev.writes ?? NO_KEYS;
          }
        } else if (type === 'tool.commit') {
          if (c.commitSeq !== undefined) {
            unmatched.push({
              seq,
              type,
              turn,
              call: id,
              reason: 'repeat-commit',
              firstCommitSeq: c.commitSeq,
            });
          } else {
            c.commitSeq = seq;
            c.synthetic = source.synthetic(i);
          }
        } else if (type === 'tool.timeout') c.timeoutSeq ??= seq;
        else if (c.orphanSeq === undefined) {
          c.orphanSeq = seq;
          c.orphanReason = (source.event(i) as Extract<TraceEvent, { type: 'tool.orphan' }>).reason;
        }
        break;
      }
      default:
        break;
    }
  }
  model.turns = [...turnByNumber.values()].sort((a, b) => a.turn - b.turn);
  return model;
}
