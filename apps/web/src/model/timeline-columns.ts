// Columnar form of one analyzed run, built in the worker and transferred to the main thread: typed
// arrays per event and per call instead of an object per event, so a 1M-event trace stays cheap.
import type { Anomaly, RunModel } from '@causelane/analysis';
import type { CompactRun, EventColumns, EventType } from '@causelane/trace-schema';
import { laneOfInterned, orderedCalls, seqIndexer } from './call-lanes.ts';
import { searchSeq } from './seq-search.ts';
import { buildStateOps, type StateOps } from './state-ops.ts';

export const EVENT_CODES: Record<EventType, number> = {
  'run.start': 0,
  'llm.request': 1,
  'llm.response': 2,
  'tool.start': 3,
  'tool.end': 4,
  'tool.commit': 5,
  'tool.timeout': 6,
  'tool.orphan': 7,
  'state.read': 8,
  'state.write': 9,
  'run.end': 10,
};
export const EVENT_NAMES = Object.keys(EVENT_CODES) as EventType[];

/** Call flag bits. */
export const CALL_OK = 1;
export const CALL_FAILED = 2;
export const CALL_SYNTHETIC = 4;

/** An anomaly with its proof located in the columns. */
export interface PlacedAnomaly extends Anomaly {
  /** Stable id within the run. */
  id: number;
  /** Event index of each seq (same order as `seqs`); -1 if the seq is not in the run. */
  evs: number[];
  /** Call lane of each proof event, or -1 for the agent lane. */
  lanes: number[];
  /** Event index from which the anomaly is known: its last proof event. */
  knownAt: number;
}

/** Columns of one run; the state* columns (StateOps) hold each call's reads and writes with versions. */
export interface TimelineColumns extends StateOps {
  run: string;
  agent: string | null;
  mode: string | null;
  status: string | null;
  eventCount: number;
  seq: Float64Array;
  t: Float64Array;
  type: Uint8Array;
  /** Call lane of each event, -1 when it is the agent's (or names no known call of its turn). */
  lane: Int32Array;
  callCount: number;
  callId: string[];
  callName: string[];
  callTurn: Int32Array;
  callIndex: Int32Array;
  /** Event indexes of each call's lifecycle, -1 when absent. */
  callListed: Int32Array;
  callStart: Int32Array;
  callEnd: Int32Array;
  callCommit: Int32Array;
  callTimeout: Int32Array;
  callOrphan: Int32Array;
  callFlags: Uint8Array;
  turnCount: number;
  turnNumber: Int32Array;
  turnRequest: Int32Array;
  turnResponse: Int32Array;
  /** First call lane of the turn and how many it has (lanes are ordered by turn, then index). */
  turnFirstCall: Int32Array;
  turnCallCount: Int32Array;
  /** Event index of every `llm.request`, ascending. */
  requests: Int32Array;
  anomalies: PlacedAnomaly[];
  /** What the trace could not show (run.start meta.evidence, from importers); set by the worker. */
  evidence?: string[];
}

/** Index of the event with this seq, or -1 (events are sorted by seq). */
export function eventIndexOfSeq(cols: Pick<TimelineColumns, 'seq'>, seq: number): number {
  return searchSeq(cols.seq, seq);
}

export function buildTimelineColumns(model: RunModel, anomalies: readonly Anomaly[]): TimelineColumns {
  const src = model.source;
  const n = src.length;
  const seq = new Float64Array(n);
  const t = new Float64Array(n);
  const type = new Uint8Array(n);
  const lane = new Int32Array(n).fill(-1);

  const turns = model.turns;
  const ordered = orderedCalls(model);
  const m = ordered.length;
  const callTurn = new Int32Array(m);
  for (let i = 0; i < m; i++) callTurn[i] = ordered[i]!.turn;
  // Call id -> lane as a map of strings only where needed (event objects, or a call no event names).
  let laneOf: Map<string, number> | null = null;
  const laneOfCall = (id: string): number => {
    if (!laneOf) {
      laneOf = new Map();
      for (let i = 0; i < m; i++) laneOf.set(ordered[i]!.id, i);
    }
    return laneOf.get(id) ?? -1;
  };

  const compact = isCompact(src) ? src.columns() : null;
  if (compact) {
    // Straight from the reader's typed arrays: no event object is rebuilt.
    seq.set(compact.seq);
    t.set(compact.t);
  } else {
    for (let i = 0; i < n; i++) {
      const ev = src.event(i);
      seq[i] = ev.seq;
      t[i] = ev.t;
      type[i] = EVENT_CODES[ev.type];
      if ('call' in ev && ev.call !== undefined && 'turn' in ev) {
        const l = laneOfCall(ev.call);
        if (l >= 0 && callTurn[l] === ev.turn) lane[i] = l;
      }
    }
  }
  const idx = seqIndexer(seq);

  // One pass over the calls fills every per-call column.
  const callId: string[] = new Array(m);
  const callName: string[] = new Array(m);
  const callIndex = new Int32Array(m);
  const callListed = new Int32Array(m);
  const callStart = new Int32Array(m);
  const callEnd = new Int32Array(m);
  const callCommit = new Int32Array(m);
  const callTimeout = new Int32Array(m);
  const callOrphan = new Int32Array(m);
  const callFlags = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    const c = ordered[i]!;
    callId[i] = c.id;
    callName[i] = c.name;
    callIndex[i] = c.index;
    callListed[i] = idx(c.listedSeq);
    callStart[i] = idx(c.startSeq);
    callEnd[i] = idx(c.endSeq);
    callCommit[i] = idx(c.commitSeq);
    callTimeout[i] = idx(c.timeoutSeq);
    callOrphan[i] = idx(c.orphanSeq);
    callFlags[i] =
      (c.ok === true ? CALL_OK : 0) | (c.ok === false ? CALL_FAILED : 0) | (c.synthetic ? CALL_SYNTHETIC : 0);
  }
  if (compact) {
    const laneOfId = laneOfInterned(compact, callId, callTurn, [
      callStart,
      callEnd,
      callCommit,
      callTimeout,
      callOrphan,
    ]);
    const code = new Int16Array(256).fill(-1);
    for (let i = 0; i < n; i++) {
      const k = compact.type[i]!;
      let c = code[k]!;
      if (c < 0) c = code[k] = EVENT_CODES[src.type(i)];
      type[i] = c;
      const id = compact.call[i]!;
      if (id >= 0) {
        const l = laneOfId[id]!;
        if (l >= 0 && callTurn[l] === compact.turn[i]) lane[i] = l;
      }
    }
  }
  const tn = turns.length;
  const turnNumber = new Int32Array(tn);
  const turnRequest = new Int32Array(tn);
  const turnResponse = new Int32Array(tn);
  const turnFirstCall = new Int32Array(tn);
  const turnCallCount = new Int32Array(tn);
  let first = 0;
  for (let i = 0; i < tn; i++) {
    const tm = turns[i]!;
    turnNumber[i] = tm.turn;
    turnRequest[i] = idx(tm.requestSeq);
    turnResponse[i] = idx(tm.responseSeq);
    turnFirstCall[i] = first;
    turnCallCount[i] = tm.calls.length;
    first += tm.calls.length;
  }
  const requests = new Int32Array(model.requests.length);
  for (let i = 0; i < requests.length; i++) requests[i] = idx(model.requests[i]!.seq);

  const cols: TimelineColumns = {
    run: model.run,
    agent: model.agent ?? null,
    mode: model.mode ?? null,
    status: model.status ?? null,
    eventCount: n,
    seq,
    t,
    type,
    lane,
    callCount: m,
    callId,
    callName,
    callTurn,
    callIndex,
    callListed,
    callStart,
    callEnd,
    callCommit,
    callTimeout,
    callOrphan,
    callFlags,
    turnCount: tn,
    turnNumber,
    turnRequest,
    turnResponse,
    turnFirstCall,
    turnCallCount,
    requests,
    anomalies: [],
    ...buildStateOps({ model, lane, callEnd, callOf: (l) => ordered[l]! }),
  };
  cols.anomalies = anomalies.map((a, id) => placeAnomaly(cols, a, id, laneOfCall));
  return cols;
}

function isCompact(src: EventColumns): src is CompactRun {
  return typeof (src as Partial<CompactRun>).columns === 'function';
}

function placeAnomaly(
  cols: TimelineColumns,
  a: Anomaly,
  id: number,
  laneOfCall: (call: string) => number,
): PlacedAnomaly {
  const evs = a.seqs.map((s) => eventIndexOfSeq(cols, s));
  const callLane = a.call === null ? -1 : laneOfCall(a.call);
  const lanes = evs.map((e) => {
    if (e < 0) return callLane;
    const l = cols.lane[e]!;
    // Proof events of the agent (requests) stay on the agent lane; unmatched call events go to the call.
    if (l >= 0) return l;
    return cols.type[e]! >= EVENT_CODES['tool.start'] && cols.type[e]! <= EVENT_CODES['tool.orphan']
      ? callLane
      : -1;
  });
  return { ...a, id, evs, lanes, knownAt: Math.max(-1, ...evs) };
}

/** Every ArrayBuffer of the columns, for a zero-copy postMessage. */
export function transferablesOf(cols: TimelineColumns): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(cols)) if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
  return out;
}
