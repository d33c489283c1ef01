// The trace model: each run's turns and calls with their lifecycles, built in one pass over the
// run's events in seq order and indexed for direct lookup. The pass is resumable (RunModelBuilder),
// so a live run's model grows with its events. Pure data, no I/O: runs in workers.
import { arrayColumns, type EventColumns, type TraceEvent } from '@causelane/trace-schema';
// A binary heap keeps turn closing O(log n) per request, so analysis stays O(n log n).
import TinyQueue from 'tinyqueue';
import { IndexedCalls } from './indexed-calls.ts';
import { type Call, NO_KEYS, newCall, readCount, writeCount } from './new-call.ts';
import type { CallModel, RunModel, TurnModel } from './run-model.ts';

export * from './run-model.ts';

/** Builds the model of one run; `events` must be one run's events sorted by seq, without repeats. */
export function buildRunModel(run: string, events: readonly TraceEvent[] | EventColumns): RunModel {
  const source = Array.isArray(events) ? arrayColumns(run, events) : (events as EventColumns);
  const b = new RunModelBuilder(run, source);
  b.advance();
  return b.finish();
}

/**
 * The one pass of buildRunModel, resumable: `advance()` folds the source's events it has not seen
 * yet (a source whose `length` grows, events appended in seq order), `finish()` brings the model's
 * derived fields up to date. With `track`, every turn whose TurnModel or calls an advance changed
 * is added to `dirty` (the caller clears it).
 */
export class RunModelBuilder {
  readonly model: RunModel;
  /** Turns changed since the caller last cleared the set (only with `track`). */
  readonly dirty: Set<TurnModel> | null;
  /** Events folded so far. */
  done = 0;
  private readonly turnByNumber = new Map<number, TurnModel>();
  private readonly byId = new Map<string, CallModel>();
  private readonly openTurns = new TinyQueue<TurnModel>([], byTurn);
  private readonly fast: boolean;
  private readonly byIndex: (CallModel | undefined)[];
  private turnsSorted = true;
  private steps = new Int32Array(64);
  private stepCount = 0;
  private commitSteps = 0;
  private startT = Number.POSITIVE_INFINITY;
  private endT = Number.NEGATIVE_INFINITY;

  constructor(
    run: string,
    readonly source: EventColumns,
    options: { track?: boolean } = {},
  ) {
    this.dirty = options.track ? new Set() : null;
    const callById: ReadonlyMap<string, CallModel> = this.byId;
    this.model = {
      run,
      source,
      turns: [],
      turnByNumber: this.turnByNumber,
      calls: [],
      callById,
      requests: [],
      unmatched: [],
    };
    // With interned call indices (CompactRun) a call is found by array index, not by its id string.
    this.fast =
      source.callCount !== undefined &&
      source.callIndex !== undefined &&
      source.listedCount !== undefined &&
      source.listedCallIndex !== undefined &&
      source.listedName !== undefined &&
      source.callId !== undefined &&
      source.callIndexOf !== undefined;
    this.byIndex = this.fast ? new Array(source.callCount).fill(undefined) : [];
    // The source already maps ids to indices: callById is a view over it, not a second map of strings.
    if (this.fast) {
      const byIndex = this.byIndex;
      this.model.callById = new IndexedCalls(source, byIndex, this.model.calls);
      this.model.callOf = (i) => {
        const k = source.callIndex!(i);
        return k < 0 ? undefined : byIndex[k];
      };
    }
  }

  private turnOf(n: number): TurnModel {
    let t = this.turnByNumber.get(n);
    if (!t) {
      t = {
        turn: n,
        requestSeq: undefined,
        responseSeq: undefined,
        closeSeq: undefined,
        closedByTurn: undefined,
        calls: [],
      };
      this.turnByNumber.set(n, t);
      const turns = this.model.turns;
      if (turns.length > 0 && turns[turns.length - 1]!.turn > n) this.turnsSorted = false;
      turns.push(t);
    }
    return t;
  }

  private step(i: number): void {
    if (this.stepCount === this.steps.length) {
      const grown = new Int32Array(this.steps.length * 2);
      grown.set(this.steps);
      this.steps = grown;
    }
    this.steps[this.stepCount++] = i;
  }

  /** Folds every event of the source not folded yet (they must continue it in seq order). */
  advance(): void {
    const { source, model, byId, byIndex, fast, openTurns, dirty } = this;
    const { calls, requests, unmatched } = model;
    // Only a fast source's calls are Calls made here: its tool.ends keep reads/writes as columns.
    const keyColumns =
      fast && source.keyColumns !== undefined && source.endKeys !== undefined && source.ok !== undefined
        ? source.keyColumns
        : undefined;
    let startT = this.startT;
    let endT = this.endT;
    // Hot fields come from the source's accessors; an event object is built only for the few types
    // whose extra fields the model keeps (a compact source rebuilds one per call).
    const n = source.length;
    for (let i = this.done; i < n; i++) {
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
          const tm = this.turnOf(turn);
          if (tm.requestSeq === undefined) {
            tm.requestSeq = seq;
            dirty?.add(tm);
          }
          requests.push({ seq, turn });
          // A request matters to stale-read only when a commit step came since the last one.
          if (this.commitSteps > 0) {
            this.step(i);
            this.commitSteps = 0;
          }
          while (openTurns.length > 0 && openTurns.peek()!.turn < turn) {
            const closed = openTurns.pop()!;
            closed.closeSeq = seq;
            closed.closedByTurn = turn;
            dirty?.add(closed);
          }
          break;
        }
        case 'llm.response': {
          const turn = source.turn(i);
          const tm = this.turnOf(turn);
          if (tm.responseSeq !== undefined) break;
          tm.responseSeq = seq;
          dirty?.add(tm);
          const add = (c: CallModel) => {
            if (!fast) byId.set(c.id, c);
            calls.push(c);
            tm.calls.push(c);
          };
          if (fast) {
            // From the listing columns: no event object, and the call found by its index.
            const listed = source.listedCount!(i);
            for (let index = 0; index < listed; index++) {
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
          if (dirty) dirty.add(this.turnByNumber.get(turn)!);
          if (type === 'tool.start') c.startSeq ??= seq;
          else if (type === 'tool.end') {
            if (c.endSeq === undefined) {
              c.endSeq = seq;
              if (keyColumns) {
                // A compact source keeps no result or error; reads/writes stay in its key columns.
                c.ok = source.ok!(i);
                (c as Call).setKeys(keyColumns, source.endKeys!(i));
              } else {
                const ev = source.event(i) as Extract<TraceEvent, { type: 'tool.end' }>;
                c.ok = ev.ok;
                c.result = ev.result;
                c.error = ev.error;
                c.reads = ev.reads ?? NO_KEYS;
                c.writes = ev.writes ?? NO_KEYS;
              }
              if (writeCount(c) > 0) this.step(i);
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
              if (!c.synthetic && (c.endSeq === undefined || readCount(c) > 0)) {
                this.step(i);
                this.commitSteps++;
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
          this.step(i);
          break;
        default:
          break;
      }
    }
    this.done = n;
    this.startT = startT;
    this.endT = endT;
  }

  /** The model with its derived fields current: the wall-clock span, staleSteps, turns in order. */
  finish(): RunModel {
    const model = this.model;
    if (this.done > 0) {
      model.startT = this.startT;
      model.endT = this.endT;
    }
    model.staleSteps = this.steps.subarray(0, this.stepCount);
    if (!this.turnsSorted) {
      model.turns.sort(byTurn);
      this.turnsSorted = true;
    }
    return model;
  }
}

const byTurn = (a: TurnModel, b: TurnModel) => a.turn - b.turn;
