// The state keys and versions each call read or wrote (from its first tool.end), and agent-side
// state.read / state.write events, as typed columns sorted by event index. Built in the worker with
// the timeline columns; read on the main thread for bar labels, hover cards and the proof view.
import type { RunModel } from '@causelane/analysis';
import type { EventColumns, KeyVersion } from '@causelane/trace-schema';

export interface StateOps {
  /** Interned key names. */
  stateKeys: string[];
  /** Per operation, sorted by event index: the event, its call lane (-1: none), key, version, write bit. */
  stateEvent: Int32Array;
  stateLane: Int32Array;
  stateKey: Int32Array;
  stateVersion: Float64Array;
  stateWrite: Uint8Array;
}

/** What the state columns of a timeline need from the run. */
export interface StateSource {
  model: RunModel;
  /** Call lane of each call id. */
  laneOf: ReadonlyMap<string, number>;
  /** Event index of a seq, or -1. */
  indexOf: (seq: number) => number;
}

export function buildStateOps({ model, laneOf, indexOf }: StateSource): StateOps {
  const keys = new Map<string, number>();
  const keyId = (k: string) => {
    let id = keys.get(k);
    if (id === undefined) {
      id = keys.size;
      keys.set(k, id);
    }
    return id;
  };
  const ops: { ev: number; lane: number; key: number; version: number; write: number }[] = [];
  for (const c of model.calls) {
    if (c.endSeq === undefined || c.reads.length + c.writes.length === 0) continue;
    const ev = indexOf(c.endSeq);
    const lane = laneOf.get(c.id) ?? -1;
    if (ev < 0 || lane < 0) continue;
    for (const r of c.reads) ops.push({ ev, lane, key: keyId(r.key), version: r.version, write: 0 });
    for (const w of c.writes) ops.push({ ev, lane, key: keyId(w.key), version: w.version, write: 1 });
  }
  const src: EventColumns = model.source;
  for (let i = 0; i < src.length; i++) {
    const type = src.type(i);
    if (type !== 'state.read' && type !== 'state.write') continue;
    const e = src.event(i) as { key: string; version: number; call?: string };
    const lane = e.call === undefined ? -1 : (laneOf.get(e.call) ?? -1);
    ops.push({ ev: i, lane, key: keyId(e.key), version: e.version, write: type === 'state.write' ? 1 : 0 });
  }
  ops.sort((a, b) => a.ev - b.ev || a.lane - b.lane || a.write - b.write);
  return {
    stateKeys: [...keys.keys()],
    stateEvent: Int32Array.from(ops, (o) => o.ev),
    stateLane: Int32Array.from(ops, (o) => o.lane),
    stateKey: Int32Array.from(ops, (o) => o.key),
    stateVersion: Float64Array.from(ops, (o) => o.version),
    stateWrite: Uint8Array.from(ops, (o) => o.write),
  };
}

/** First operation at or after event index `ev` (binary search). */
function firstOpAt(s: StateOps, ev: number): number {
  let lo = 0;
  let hi = s.stateEvent.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.stateEvent[mid]! < ev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface EventStateOps {
  reads: KeyVersion[];
  writes: KeyVersion[];
}

/** The keys and versions recorded at event `ev` (a tool.end, state.read or state.write). */
export function stateOpsAt(s: StateOps, ev: number, lane?: number): EventStateOps {
  const out: EventStateOps = { reads: [], writes: [] };
  if (ev < 0) return out;
  for (let i = firstOpAt(s, ev); i < s.stateEvent.length && s.stateEvent[i] === ev; i++) {
    if (lane !== undefined && s.stateLane[i] !== lane) continue;
    const kv = { key: s.stateKeys[s.stateKey[i]!]!, version: s.stateVersion[i]! };
    (s.stateWrite[i] ? out.writes : out.reads).push(kv);
  }
  return out;
}

/**
 * What call `lane` read and wrote, with versions (its first tool.end's `reads` and `writes`). For the
 * hover card and bar labels; `callEnd` is the timeline's per-call end event column.
 */
export function callStateOps(s: StateOps & { callEnd: Int32Array }, lane: number): EventStateOps {
  return stateOpsAt(s, s.callEnd[lane] ?? -1, lane);
}

/** `stock:A-1 v7`, the way keys and versions are drawn. */
export function stateLabel(kv: KeyVersion): string {
  return `${kv.key} v${kv.version}`;
}

/** One line for a bar: `read stock:A-1 v7 · wrote cart v3`, or '' without state. */
export function stateSummary(ops: EventStateOps): string {
  const parts = [
    ...ops.reads.map((r) => `read ${stateLabel(r)}`),
    ...ops.writes.map((w) => `wrote ${stateLabel(w)}`),
  ];
  return parts.join(' · ');
}
