// One live run's analysis, kept current as its events arrive: events that continue the run (seq
// above the last one) extend the model in place and re-run the per-turn rules on the turns they
// changed only, so a batch costs O(its events + the turns it touched), not O(run). Anything else (an
// event older than the last one that was not held yet) rebuilds the run. Results are always exactly
// analyzeModel's on the whole run: same anomalies, same order, same summary.
import type { TraceEvent } from '@causelane/trace-schema';
import { compareAnomalies, type RunSummary, summarize } from './analyze.ts';
import type { Anomaly, Severity } from './anomaly.ts';
import { eventListColumns } from './event-list-columns.ts';
import { type RunModel, RunModelBuilder, type TurnModel } from './model.ts';
import { commitOrder, lateCommit, orphanedResult, prematureLlmCall, unmatchedResult } from './rules.ts';
import { StaleReadFold } from './stale-read-fold.ts';
import { races } from './state-rules.ts';

type Counts = Record<Severity, number>;

export class IncrementalAnalysis {
  /** Full rebuilds so far (the first build included): out-of-order events cause them. */
  rebuilds = 0;
  private evs: TraceEvent[] = [];
  private builder!: RunModelBuilder;
  private fold!: StaleReadFold;
  /** Per turn: its premature-llm-call, late-commit, commit-order and orphaned-result findings. */
  private turnRules = new Map<TurnModel, Anomaly[]>();
  /** Per turn: its rw-race and ww-conflict findings. */
  private turnRaces = new Map<TurnModel, Anomaly[]>();
  private unmatched: Anomaly[] = [];
  private counts: Counts = { error: 0, warning: 0, info: 0 };
  /** Every anomaly in report order, once asked for; then kept current from the changes below. */
  private list: Anomaly[] | null = null;
  private removed = new Set<Anomaly>();
  private added: Anomaly[] = [];
  /** Turns changed since the last takeChangedTurns(), once it was called. */
  private changed: Set<TurnModel> | null = null;

  constructor(
    readonly run: string,
    events: readonly TraceEvent[] = [],
  ) {
    this.rebuild([]);
    this.add(events);
  }

  /**
   * Takes events of the run in any order; other runs' events and repeats of a held seq are ignored
   * (the first copy is kept, as analyzeEvents does). Returns whether the run gained events.
   */
  add(batch: readonly TraceEvent[]): boolean {
    let fresh = batch.filter((e) => e.run === this.run);
    if (fresh.length === 0) return false;
    if (!isSorted(fresh)) fresh = fresh.slice().sort((a, b) => a.seq - b.seq);
    const evs = this.evs;
    const last = evs.length > 0 ? evs[evs.length - 1]!.seq : Number.NEGATIVE_INFINITY;
    let prev = Number.NaN;
    let older = false;
    const appended: TraceEvent[] = [];
    for (const e of fresh) {
      if (e.seq === prev) continue;
      prev = e.seq;
      if (e.seq > last) appended.push(e);
      else if (!hasSeq(evs, e.seq)) older = true;
    }
    if (older) {
      this.rebuild(mergeBySeq(evs, fresh));
      return true;
    }
    if (appended.length === 0) return false;
    for (const e of appended) evs.push(e);
    this.builder.advance();
    this.update();
    return true;
  }

  /** The run's model (built in place; a rebuild makes a new one). */
  get model(): RunModel {
    return this.builder.model;
  }

  /** The held events in seq order (the model's source; do not modify). */
  get events(): readonly TraceEvent[] {
    return this.evs;
  }

  /** Every anomaly of the run, as analyzeModel orders them. */
  anomalies(): readonly Anomaly[] {
    if (this.list === null) {
      const all: Anomaly[] = [];
      for (const g of this.turnRules.values()) for (const a of g) all.push(a);
      for (const a of this.fold.anomalies) all.push(a);
      for (const g of this.turnRaces.values()) for (const a of g) all.push(a);
      for (const a of this.unmatched) all.push(a);
      this.list = all.sort(compareAnomalies);
    } else if (this.added.length > 0 || this.removed.size > 0) {
      const kept = this.removed.size > 0 ? this.list.filter((a) => !this.removed.has(a)) : this.list;
      this.list = mergeSorted(kept, this.added.sort(compareAnomalies));
    }
    this.added = [];
    this.removed.clear();
    return this.list;
  }

  /**
   * The turns whose TurnModel or calls changed since the last call (none the first time: a caller
   * starts from the whole model). A rebuild makes a new model, so callers compare `model` too.
   */
  takeChangedTurns(): Set<TurnModel> {
    const out = this.changed ?? new Set<TurnModel>();
    this.changed = new Set();
    return out;
  }

  /** The run's summary, as summarize() gives it over analyzeModel's anomalies. */
  summary(): RunSummary {
    return { ...summarize(this.model, []), anomalies: { ...this.counts } };
  }

  private rebuild(events: TraceEvent[]): void {
    this.rebuilds++;
    this.evs = events;
    this.builder = new RunModelBuilder(this.run, eventListColumns(this.run, events), { track: true });
    this.fold = new StaleReadFold();
    this.turnRules.clear();
    this.turnRaces.clear();
    this.unmatched = [];
    this.counts = { error: 0, warning: 0, info: 0 };
    this.list = null;
    this.removed.clear();
    this.added = [];
    if (this.changed) this.changed = new Set();
    this.builder.advance();
    this.update();
  }

  /** Brings the findings up to date with what the last advance changed. */
  private update(): void {
    const m = this.builder.finish();
    const dirty = this.builder.dirty!;
    const raceTurns = new Set(dirty);
    const turnOfCall = (call: string | null) => m.turnByNumber.get(m.callById.get(call!)!.turn)!;

    // stale-read resumes its fold, unless a commit it folded before its tool.end turned out to read
    // something: its verdict at that commit depended on this later event, so the fold starts over.
    let restart = false;
    for (const c of this.fold.awaitingEnd) {
      if (c.endSeq === undefined) continue;
      if (c.reads.length > 0) restart = true;
      this.fold.awaitingEnd.delete(c);
    }
    if (restart) {
      for (const a of this.fold.anomalies) {
        raceTurns.add(turnOfCall(a.call));
        this.forget(a);
      }
      this.fold = new StaleReadFold();
    }
    const before = this.fold.anomalies.length;
    for (const r of this.fold.advance(m)) raceTurns.add(m.turnByNumber.get(r.turn)!);
    for (let k = before; k < this.fold.anomalies.length; k++) this.note(this.fold.anomalies[k]!);

    if (dirty.size > 0) {
      const view: RunModel = { ...m, turns: [...dirty] };
      const found = new Map<TurnModel, Anomaly[]>([...dirty].map((t) => [t, []]));
      for (const a of [...prematureLlmCall(view), ...lateCommit(view)])
        found.get(turnOfCall(a.call))!.push(a);
      for (const a of commitOrder(view)) found.get(m.turnByNumber.get(a.turn)!)!.push(a);
      for (const a of orphanedResult(view)) found.get(turnOfCall(a.call))!.push(a);
      for (const [t, list] of found) this.replace(this.turnRules, t, list);
    }
    if (raceTurns.size > 0) {
      const found = new Map<TurnModel, Anomaly[]>([...raceTurns].map((t) => [t, []]));
      for (const a of races({ ...m, turns: [...raceTurns] }, this.fold.staleKeys))
        found.get(m.turnByNumber.get(a.turn)!)!.push(a);
      for (const [t, list] of found) this.replace(this.turnRaces, t, list);
    }
    if (this.changed) for (const t of dirty) this.changed.add(t);
    dirty.clear();

    if (this.unmatched.length < m.unmatched.length) {
      const fresh = unmatchedResult({ ...m, unmatched: m.unmatched.slice(this.unmatched.length) });
      for (const a of fresh) {
        this.unmatched.push(a);
        this.note(a);
      }
    }
  }

  private replace(groups: Map<TurnModel, Anomaly[]>, t: TurnModel, list: Anomaly[]): void {
    const old = groups.get(t);
    if (old) for (const a of old) this.forget(a);
    if (list.length > 0) groups.set(t, list);
    else groups.delete(t);
    for (const a of list) this.note(a);
  }

  private note(a: Anomaly): void {
    this.counts[a.severity]++;
    if (this.list !== null) this.added.push(a);
  }

  private forget(a: Anomaly): void {
    this.counts[a.severity]--;
    if (this.list === null) return;
    // Found and dropped between two reads of the list: it never reached it.
    const k = this.added.indexOf(a);
    if (k >= 0) this.added.splice(k, 1);
    else this.removed.add(a);
  }
}

function isSorted(events: readonly TraceEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i - 1]!.seq > events[i]!.seq) return false;
  return true;
}

function hasSeq(events: readonly TraceEvent[], seq: number): boolean {
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = events[mid]!.seq;
    if (s === seq) return true;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Both sorted by seq; a seq in both keeps `held`'s event, a seq repeated in `fresh` its first. */
function mergeBySeq(held: readonly TraceEvent[], fresh: readonly TraceEvent[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < held.length || j < fresh.length) {
    const a = held[i];
    const b = fresh[j];
    const next = b === undefined || (a !== undefined && a.seq <= b.seq) ? held[i++]! : fresh[j++]!;
    if (out.length === 0 || out[out.length - 1]!.seq !== next.seq) out.push(next);
  }
  return out;
}

function mergeSorted(a: readonly Anomaly[], b: readonly Anomaly[]): Anomaly[] {
  if (b.length === 0) return a as Anomaly[];
  const out: Anomaly[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareAnomalies(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
