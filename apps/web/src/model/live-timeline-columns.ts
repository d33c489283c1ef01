// A live run's timeline columns, kept current as its model grows: appended events are placed once,
// and only the calls and turns of changed turns are re-derived, so a flush costs O(new events +
// changed turns + anomalies) plus one memcpy of each column (they are transferred). Gives exactly
// what buildTimelineColumns gives; anything that would move existing lanes or rows starts over.
import type { Anomaly, CallModel, RunModel, TurnModel } from '@causelane/analysis';
import type { TraceEvent } from '@causelane/trace-schema';
import { searchSeq } from './seq-search.ts';
import {
  CALL_FAILED,
  CALL_OK,
  CALL_SYNTHETIC,
  EVENT_CODES,
  type PlacedAnomaly,
  type TimelineColumns,
} from './timeline-columns.ts';

type Typed = Int32Array | Float64Array | Uint8Array;

/** A typed column that grows by doubling; `view()` copies out its first `length` values. */
class Column<T extends Typed> {
  length = 0;
  constructor(public data: T) {}
  ensure(n: number): void {
    if (n <= this.data.length) return;
    const b = new (this.data.constructor as new (n: number) => T)(Math.max(n, this.data.length * 2));
    b.set(this.data);
    this.data = b;
  }
  push(v: number): void {
    this.ensure(this.length + 1);
    this.data[this.length++] = v;
  }
  view(): T {
    return this.data.slice(0, this.length) as T;
  }
}
const i32 = () => new Column(new Int32Array(256));
const f64 = () => new Column(new Float64Array(256));
const u8 = () => new Column(new Uint8Array(256));

/** Something already placed would move: the caller starts over from the whole model. */
class StartOver extends Error {}

export class LiveTimelineColumns {
  private model: RunModel | null = null;
  private seq = f64();
  private t = f64();
  private type = u8();
  private lane = i32();
  private laneCalls: CallModel[] = [];
  private laneOf = new Map<string, number>();
  /** Ids named by an event before any call had them: listing one later would give it a lane. */
  private namedEarly = new Set<string>();
  private call = {
    turn: i32(),
    index: i32(),
    listed: i32(),
    start: i32(),
    end: i32(),
    commit: i32(),
    timeout: i32(),
    orphan: i32(),
    flags: u8(),
  };
  private turnPos = new Map<TurnModel, number>();
  private turnCols = { number: i32(), request: i32(), response: i32(), first: i32(), count: i32() };
  private requests = i32();
  private keys = new Map<string, number>();
  private ops = { ev: i32(), lane: i32(), key: i32(), version: f64(), write: u8() };
  private placed = new WeakMap<Anomaly, Pick<PlacedAnomaly, 'evs' | 'lanes' | 'knownAt'>>();

  /**
   * The columns of `model` (which grew only by appended events since the last call, or is a new
   * model) with `anomalies` placed; `changed` holds the turns changed since the last call.
   */
  update(model: RunModel, changed: ReadonlySet<TurnModel>, anomalies: readonly Anomaly[]): TimelineColumns {
    if (model !== this.model) this.startOver(model);
    else {
      try {
        this.advance(changed);
      } catch (err) {
        if (!(err instanceof StartOver)) throw err;
        this.startOver(model);
      }
    }
    return this.columns(anomalies);
  }

  private startOver(model: RunModel): void {
    Object.assign(this, new LiveTimelineColumns());
    this.model = model;
    this.advance(new Set(model.turns));
  }

  private advance(changed: ReadonlySet<TurnModel>): void {
    const m = this.model!;
    // New calls take the next lanes: lanes go by turn, then index, so a call of an earlier turn
    // than the last lane's would move lanes already placed.
    const fresh = m.calls.slice(this.laneCalls.length).sort((a, b) => a.turn - b.turn || a.index - b.index);
    for (const c of fresh) {
      const last = this.laneCalls[this.laneCalls.length - 1];
      if ((last && c.turn < last.turn) || this.namedEarly.has(c.id)) throw new StartOver();
      this.laneOf.set(c.id, this.laneCalls.length);
      this.laneCalls.push(c);
      for (const col of Object.values(this.call)) col.push(-1);
    }
    const src = m.source;
    for (let i = this.seq.length; i < src.length; i++) this.placeEvent(src.event(i), i);
    // Rows of new turns; a turn sorted in between would move the rows after it.
    const turns = m.turns;
    let from = turns.length;
    for (let p = this.turnPos.size; p < turns.length; p++) {
      if (this.turnPos.has(turns[p]!)) throw new StartOver();
      this.turnPos.set(turns[p]!, p);
      for (const col of Object.values(this.turnCols)) col.push(0);
      from = Math.min(from, p);
    }
    if (this.turnPos.size !== turns.length) throw new StartOver();
    for (const tm of changed) {
      const p = this.turnPos.get(tm);
      if (p === undefined || turns[p] !== tm) throw new StartOver();
      from = Math.min(from, p);
      this.placeTurn(tm, p);
    }
    const { first, count } = this.turnCols;
    for (let p = from; p < turns.length; p++)
      first.data[p] = p === 0 ? 0 : first.data[p - 1]! + count.data[p - 1]!;
  }

  private placeEvent(ev: TraceEvent, i: number): void {
    this.seq.push(ev.seq);
    this.t.push(ev.t);
    this.type.push(EVENT_CODES[ev.type]);
    let l = -1;
    if ('call' in ev && ev.call !== undefined && 'turn' in ev) {
      const found = this.laneOf.get(ev.call);
      if (found === undefined) this.namedEarly.add(ev.call);
      else if (this.laneCalls[found]!.turn === ev.turn) l = found;
    }
    this.lane.push(l);
    if (ev.type === 'llm.request') this.requests.push(i);
    else if (ev.type === 'tool.end') {
      const c = l >= 0 ? this.laneCalls[l]! : undefined;
      if (!c || c.endSeq !== ev.seq) return;
      for (const r of c.reads) this.op(i, l, r.key, r.version, 0);
      for (const w of c.writes) this.op(i, l, w.key, w.version, 1);
    } else if (ev.type === 'state.read' || ev.type === 'state.write')
      this.op(i, l, ev.key, ev.version, ev.type === 'state.write' ? 1 : 0);
  }

  private op(ev: number, lane: number, key: string, version: number, write: number): void {
    let id = this.keys.get(key);
    if (id === undefined) {
      id = this.keys.size;
      this.keys.set(key, id);
    }
    const o = this.ops;
    o.ev.push(ev);
    o.lane.push(lane);
    o.key.push(id);
    o.version.push(version);
    o.write.push(write);
  }

  private placeTurn(tm: TurnModel, p: number): void {
    const idx = (s: number | undefined) => (s === undefined ? -1 : this.indexOf(s));
    const tc = this.turnCols;
    tc.number.data[p] = tm.turn;
    tc.request.data[p] = idx(tm.requestSeq);
    tc.response.data[p] = idx(tm.responseSeq);
    tc.count.data[p] = tm.calls.length;
    const cc = this.call;
    for (const c of tm.calls) {
      const l = this.laneOf.get(c.id)!;
      cc.turn.data[l] = c.turn;
      cc.index.data[l] = c.index;
      cc.listed.data[l] = idx(c.listedSeq);
      cc.start.data[l] = idx(c.startSeq);
      cc.end.data[l] = idx(c.endSeq);
      cc.commit.data[l] = idx(c.commitSeq);
      cc.timeout.data[l] = idx(c.timeoutSeq);
      cc.orphan.data[l] = idx(c.orphanSeq);
      cc.flags.data[l] =
        (c.ok === true ? CALL_OK : 0) |
        (c.ok === false ? CALL_FAILED : 0) |
        (c.synthetic ? CALL_SYNTHETIC : 0);
    }
  }

  /** Event index of a seq, or -1 (binary search over the placed events). */
  private indexOf(seq: number): number {
    return searchSeq(this.seq.data, seq, this.seq.length);
  }

  private place(a: Anomaly): Pick<PlacedAnomaly, 'evs' | 'lanes' | 'knownAt'> {
    let p = this.placed.get(a);
    if (p) return p;
    const evs = a.seqs.map((s) => this.indexOf(s));
    const callLane = a.call === null ? -1 : (this.laneOf.get(a.call) ?? -1);
    const lane = this.lane.data;
    const type = this.type.data;
    const lanes = evs.map((e) => {
      if (e < 0) return callLane;
      const l = lane[e]!;
      // Proof events of the agent (requests) stay on the agent lane; unmatched call events go to the call.
      if (l >= 0) return l;
      return type[e]! >= EVENT_CODES['tool.start'] && type[e]! <= EVENT_CODES['tool.orphan'] ? callLane : -1;
    });
    p = { evs, lanes, knownAt: Math.max(-1, ...evs) };
    this.placed.set(a, p);
    return p;
  }

  private columns(anomalies: readonly Anomaly[]): TimelineColumns {
    const m = this.model!;
    const { call: cc, turnCols: tc, ops } = this;
    return {
      run: m.run,
      agent: m.agent ?? null,
      mode: m.mode ?? null,
      status: m.status ?? null,
      eventCount: this.seq.length,
      seq: this.seq.view(),
      t: this.t.view(),
      type: this.type.view(),
      lane: this.lane.view(),
      callCount: this.laneCalls.length,
      callId: this.laneCalls.map((c) => c.id),
      callName: this.laneCalls.map((c) => c.name),
      callTurn: cc.turn.view(),
      callIndex: cc.index.view(),
      callListed: cc.listed.view(),
      callStart: cc.start.view(),
      callEnd: cc.end.view(),
      callCommit: cc.commit.view(),
      callTimeout: cc.timeout.view(),
      callOrphan: cc.orphan.view(),
      callFlags: cc.flags.view(),
      turnCount: m.turns.length,
      turnNumber: tc.number.view(),
      turnRequest: tc.request.view(),
      turnResponse: tc.response.view(),
      turnFirstCall: tc.first.view(),
      turnCallCount: tc.count.view(),
      requests: this.requests.view(),
      anomalies: anomalies.map((a, id) => ({ ...a, id, ...this.place(a) })),
      stateKeys: [...this.keys.keys()],
      stateEvent: ops.ev.view(),
      stateLane: ops.lane.view(),
      stateKey: ops.key.view(),
      stateVersion: ops.version.view(),
      stateWrite: ops.write.view(),
    };
  }
}
