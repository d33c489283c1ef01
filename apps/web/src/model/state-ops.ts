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
  /** Call lane of each event (-1: none) and each call lane's first tool.end event (-1: none). */
  lane: Int32Array;
  callEnd: Int32Array;
  /** The call model of each lane. */
  callOf: (lane: number) => { reads: readonly KeyVersion[]; writes: readonly KeyVersion[] };
}

/** Growable typed columns of the operations, appended in event order (so no sort is needed). */
class OpColumns {
  n = 0;
  ev = new Int32Array(256);
  lane = new Int32Array(256);
  key = new Int32Array(256);
  version = new Float64Array(256);
  write = new Uint8Array(256);
  push(ev: number, lane: number, key: number, version: number, write: number): void {
    if (this.n === this.ev.length) {
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.ev = grow(this.ev);
      this.lane = grow(this.lane);
      this.key = grow(this.key);
      this.version = grow(this.version);
      this.write = grow(this.write);
    }
    const i = this.n++;
    this.ev[i] = ev;
    this.lane[i] = lane;
    this.key[i] = key;
    this.version[i] = version;
    this.write[i] = write;
  }
}

/** One pass over the events: a call's reads and writes at its first tool.end, and state.* events. */
export function buildStateOps({ model, lane, callEnd, callOf }: StateSource): StateOps {
  const keys = new Map<string, number>();
  const keyId = (k: string) => {
    let id = keys.get(k);
    if (id === undefined) {
      id = keys.size;
      keys.set(k, id);
    }
    return id;
  };
  const ops = new OpColumns();
  const src: EventColumns = model.source;
  for (let i = 0; i < src.length; i++) {
    const type = src.type(i);
    if (type === 'tool.end') {
      const l = lane[i]!;
      if (l < 0 || callEnd[l] !== i) continue;
      const c = callOf(l);
      for (const r of c.reads) ops.push(i, l, keyId(r.key), r.version, 0);
      for (const w of c.writes) ops.push(i, l, keyId(w.key), w.version, 1);
    } else if (type === 'state.read' || type === 'state.write') {
      const e = src.event(i) as { key: string; version: number };
      ops.push(i, lane[i]!, keyId(e.key), e.version, type === 'state.write' ? 1 : 0);
    }
  }
  const n = ops.n;
  return {
    stateKeys: [...keys.keys()],
    stateEvent: ops.ev.slice(0, n),
    stateLane: ops.lane.slice(0, n),
    stateKey: ops.key.slice(0, n),
    stateVersion: ops.version.slice(0, n),
    stateWrite: ops.write.slice(0, n),
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
