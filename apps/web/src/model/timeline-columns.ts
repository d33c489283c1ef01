// Columnar form of one analyzed run, built in the worker and transferred to the main thread: typed
// arrays per event and per call instead of an object per event, so a 1M-event trace stays cheap.
import type { Anomaly, RunModel } from '@causelane/analysis';
import type { CompactRun, EventColumns, EventType } from '@causelane/trace-schema';
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
  const s = cols.seq;
  let lo = 0;
  let hi = s.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = s[mid]!;
    if (v === seq) return mid;
    if (v < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function buildTimelineColumns(model: RunModel, anomalies: readonly Anomaly[]): TimelineColumns {
  const src = model.source;
  const n = src.length;
  const seq = new Float64Array(n);
  const t = new Float64Array(n);
  const type = new Uint8Array(n);
  const lane = new Int32Array(n).fill(-1);

  const turns = model.turns;
  const ordered = turns.flatMap((tm) => [...tm.calls].sort((a, b) => a.index - b.index));
  const m = ordered.length;
  const laneOf = new Map<string, number>();
  for (const [i, c] of ordered.entries()) laneOf.set(c.id, i);

  if (isCompact(src)) {
    // Straight from the reader's typed arrays: no event object is rebuilt.
    const cc = src.columns();
    seq.set(cc.seq);
    t.set(cc.t);
    const code = new Int16Array(256).fill(-1);
    const laneOfId = Int32Array.from(cc.ids, (id) => laneOf.get(id) ?? -1);
    for (let i = 0; i < n; i++) {
      const k = cc.type[i]!;
      let c = code[k]!;
      if (c < 0) c = code[k] = EVENT_CODES[src.type(i)];
      type[i] = c;
      const id = cc.call[i]!;
      if (id >= 0) {
        const l = laneOfId[id]!;
        if (l >= 0 && ordered[l]!.turn === cc.turn[i]) lane[i] = l;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const ev = src.event(i);
      seq[i] = ev.seq;
      t[i] = ev.t;
      type[i] = EVENT_CODES[ev.type];
      if ('call' in ev && ev.call !== undefined && 'turn' in ev) {
        const l = laneOf.get(ev.call);
        if (l !== undefined && ordered[l]!.turn === ev.turn) lane[i] = l;
      }
    }
  }
  const idx = (s: number | undefined) => (s === undefined ? -1 : eventIndexOfSeq({ seq }, s));

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
    callId: ordered.map((c) => c.id),
    callName: ordered.map((c) => c.name),
    callTurn: Int32Array.from(ordered, (c) => c.turn),
    callIndex: Int32Array.from(ordered, (c) => c.index),
    callListed: Int32Array.from(ordered, (c) => idx(c.listedSeq)),
    callStart: Int32Array.from(ordered, (c) => idx(c.startSeq)),
    callEnd: Int32Array.from(ordered, (c) => idx(c.endSeq)),
    callCommit: Int32Array.from(ordered, (c) => idx(c.commitSeq)),
    callTimeout: Int32Array.from(ordered, (c) => idx(c.timeoutSeq)),
    callOrphan: Int32Array.from(ordered, (c) => idx(c.orphanSeq)),
    callFlags: Uint8Array.from(
      ordered,
      (c) =>
        (c.ok === true ? CALL_OK : 0) |
        (c.ok === false ? CALL_FAILED : 0) |
        (c.synthetic ? CALL_SYNTHETIC : 0),
    ),
    turnCount: turns.length,
    turnNumber: Int32Array.from(turns, (tm) => tm.turn),
    turnRequest: Int32Array.from(turns, (tm) => idx(tm.requestSeq)),
    turnResponse: Int32Array.from(turns, (tm) => idx(tm.responseSeq)),
    turnFirstCall: new Int32Array(turns.length),
    turnCallCount: Int32Array.from(turns, (tm) => tm.calls.length),
    requests: Int32Array.from(model.requests, (r) => idx(r.seq)),
    anomalies: [],
    stateKeys: [],
    stateEvent: new Int32Array(0),
    stateLane: new Int32Array(0),
    stateKey: new Int32Array(0),
    stateVersion: new Float64Array(0),
    stateWrite: new Uint8Array(0),
  };
  Object.assign(cols, buildStateOps({ model, lane, callEnd: cols.callEnd, callOf: (l) => ordered[l]! }));
  let first = 0;
  for (let i = 0; i < turns.length; i++) {
    cols.turnFirstCall[i] = first;
    first += cols.turnCallCount[i]!;
  }
  cols.anomalies = anomalies.map((a, id) => placeAnomaly(cols, a, id, laneOf));
  return cols;
}

function isCompact(src: EventColumns): src is CompactRun {
  return typeof (src as Partial<CompactRun>).columns === 'function';
}

function placeAnomaly(
  cols: TimelineColumns,
  a: Anomaly,
  id: number,
  laneOf: Map<string, number>,
): PlacedAnomaly {
  const evs = a.seqs.map((s) => eventIndexOfSeq(cols, s));
  const callLane = a.call === null ? -1 : (laneOf.get(a.call) ?? -1);
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
