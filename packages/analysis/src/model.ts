// The trace model: each run's turns and calls with their lifecycles, built in one pass over the
// run's events in seq order and indexed for direct lookup. Pure data, no I/O: runs in workers.
import { arrayColumns, type EventColumns, type KeyVersion, type TraceEvent } from '@causelane/trace-schema';
// A binary heap keeps turn closing O(log n) per request, so analysis stays O(n log n).
import TinyQueue from 'tinyqueue';
import type { CallModel, RunModel, TurnModel, UnmatchedEvent } from './run-model.ts';

export * from './run-model.ts';

/** Shared by every call without reads or writes (never mutated). */
const NO_KEYS: KeyVersion[] = [];

/** Builds the model of one run; `events` must be one run's events sorted by seq, without repeats. */
export function buildRunModel(run: string, events: readonly TraceEvent[] | EventColumns): RunModel {
  const source = Array.isArray(events) ? arrayColumns(run, events) : (events as EventColumns);
  const turnByNumber = new Map<number, TurnModel>();
  const byId = new Map<string, CallModel>();
  const calls: CallModel[] = [];
  const requests: { seq: number; turn: number }[] = [];
  const unmatched: UnmatchedEvent[] = [];
  const openTurns = new TinyQueue<TurnModel>([], byTurn);
  const callById: ReadonlyMap<string, CallModel> = byId;
  const model: RunModel = { run, source, turns: [], turnByNumber, calls, callById, requests, unmatched };
  // With interned call indices (CompactRun) a call is found by array index, not by its id string.
  const fast =
    source.callCount !== undefined &&
    source.callIndex !== undefined &&
    source.listedCount !== undefined &&
    source.listedCallIndex !== undefined &&
    source.listedName !== undefined &&
    source.callId !== undefined &&
    source.callIndexOf !== undefined;
  const byIndex: (CallModel | undefined)[] = fast ? new Array(source.callCount).fill(undefined) : [];
  // The source already maps ids to indices: callById is a view over it, not a second map of strings.
  if (fast) {
    model.callById = new IndexedCalls(source, byIndex, calls);
    model.callOf = (i) => {
      const k = source.callIndex!(i);
      return k < 0 ? undefined : byIndex[k];
    };
  }
  let steps = new Int32Array(64);
  let stepCount = 0;
  let commitSteps = 0;
  const step = (i: number) => {
    if (stepCount === steps.length) {
      const grown = new Int32Array(steps.length * 2);
      grown.set(steps);
      steps = grown;
    }
    steps[stepCount++] = i;
  };
  let startT = Number.POSITIVE_INFINITY;
  let endT = Number.NEGATIVE_INFINITY;

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
    if (t < startT) startT = t;
    if (t > endT) endT = t;
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
        // A request matters to stale-read only when a commit step came since the last one.
        if (commitSteps > 0) {
          step(i);
          commitSteps = 0;
        }
        while (openTurns.length > 0 && openTurns.peek()!.turn < turn) {
          const closed = openTurns.pop()!;
          closed.closeSeq = seq;
          closed.closedByTurn = turn;
        }
        break;
      }
      case 'llm.response': {
        const turn = source.turn(i);
        const tm = turnOf(turn);
        if (tm.responseSeq !== undefined) break;
        tm.responseSeq = seq;
        const add = (c: CallModel) => {
          if (!fast) byId.set(c.id, c);
          calls.push(c);
          tm.calls.push(c);
        };
        if (fast) {
          // From the listing columns: no event object, and the call found by its index.
          const n = source.listedCount!(i);
          for (let index = 0; index < n; index++) {
            const k = source.listedCallIndex!(i, index);
            if (byIndex[k] !== undefined) continue;
            const c = newCall(source.callId!(k), source.listedName!(i, index), undefined, turn, index, seq);
            byIndex[k] = c;
            add(c);
          }
        } else {
          const ev = source.event(i) as Extract<TraceEvent, { type: 'llm.response' }>;
          ev.calls.forEach((spec, index) => {
            if (!byId.has(spec.id)) add(newCall(spec.id, spec.name, spec.args, turn, index, seq));
          });
        }
        openTurns.push(tm);
        break;
      }
      case 'tool.start':
      case 'tool.end':
      case 'tool.commit':
      case 'tool.timeout':
      case 'tool.orphan': {
        const turn = source.turn(i);
        const c = fast ? byIndex[source.callIndex!(i)] : byId.get(source.call(i)!);
        if (!c || c.turn !== turn) {
          if (type === 'tool.start' || type === 'tool.end' || type === 'tool.commit') {
            unmatched.push({
              seq,
              type,
              turn,
              call: source.call(i)!,
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
            if (c.writes.length > 0) step(i);
          }
        } else if (type === 'tool.commit') {
          if (c.commitSeq !== undefined) {
            unmatched.push({
              seq,
              type,
              turn,
              call: c.id,
              reason: 'repeat-commit',
              firstCommitSeq: c.commitSeq,
            });
          } else {
            c.commitSeq = seq;
            c.synthetic = source.synthetic(i);
            // Reads come with the first tool.end: if it came already and read nothing, skip.
            if (!c.synthetic && (c.endSeq === undefined || c.reads.length > 0)) {
              step(i);
              commitSteps++;
            }
          }
        } else if (type === 'tool.timeout') c.timeoutSeq ??= seq;
        else if (c.orphanSeq === undefined) {
          c.orphanSeq = seq;
          c.orphanReason = (source.event(i) as Extract<TraceEvent, { type: 'tool.orphan' }>).reason;
        }
        break;
      }
      case 'state.write':
        step(i);
        break;
      default:
        break;
    }
  }
  if (source.length > 0) {
    model.startT = startT;
    model.endT = endT;
  }
  model.staleSteps = steps.subarray(0, stepCount);
  model.turns = [...turnByNumber.values()].sort(byTurn);
  return model;
}

const byTurn = (a: TurnModel, b: TurnModel) => a.turn - b.turn;

/** Every field up front: one hidden class and in-object slots for all calls (leaner, faster). */
function newCall(
  id: string,
  name: string,
  args: unknown,
  turn: number,
  index: number,
  listedSeq: number,
): CallModel {
  return {
    id,
    name,
    args,
    turn,
    index,
    listedSeq,
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
}

/** callById over interned call indices: the source's id → index lookup, then an array. */
class IndexedCalls implements ReadonlyMap<string, CallModel> {
  constructor(
    private readonly source: EventColumns,
    private readonly byIndex: readonly (CallModel | undefined)[],
    /** Every call in listing order: the order a Map filled while listing would iterate in. */
    private readonly calls: readonly CallModel[],
  ) {}
  get(id: string): CallModel | undefined {
    const k = this.source.callIndexOf!(id);
    return k < 0 ? undefined : this.byIndex[k];
  }
  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
  get size(): number {
    return this.calls.length;
  }
  forEach(
    fn: (value: CallModel, key: string, map: ReadonlyMap<string, CallModel>) => void,
    self?: unknown,
  ): void {
    for (const c of this.calls) fn.call(self, c, c.id, this);
  }
  *entries(): MapIterator<[string, CallModel]> {
    for (const c of this.calls) yield [c.id, c];
  }
  *keys(): MapIterator<string> {
    for (const c of this.calls) yield c.id;
  }
  *values(): MapIterator<CallModel> {
    yield* this.calls;
  }
  [Symbol.iterator](): MapIterator<[string, CallModel]> {
    return this.entries();
  }
}
