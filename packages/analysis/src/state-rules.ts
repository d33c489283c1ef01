// The state anomaly rules of the shared spec/trace-format-v1.md (stale-read, rw-race, ww-conflict),
// over a RunModel: each anomaly cites the read and the write that prove it.
import type { TraceEvent } from '@causelane/trace-schema';
import type { Anomaly } from './anomaly.ts';
import { firstConcurrent } from './first-concurrent.ts';
import type { CallModel, RunModel, TurnModel } from './model.ts';
import { label, seqs } from './rule-labels.ts';

interface WriteMark {
  version: number;
  seq: number;
  by: string | null;
}
/** The highest write of a key so far, and the highest by anyone other than that writer. */
interface KeyWrites {
  top?: WriteMark;
  other?: WriteMark;
}

function noteWrite(w: KeyWrites, mark: WriteMark): void {
  if (!w.top || (mark.by !== null && w.top.by === mark.by)) {
    if (!w.top || mark.version > w.top.version) w.top = mark;
    return;
  }
  if (mark.version > w.top.version) {
    w.other = w.top;
    w.top = mark;
  } else if (!w.other || mark.version > w.other.version) w.other = mark;
}

function newestWriteByOther(w: KeyWrites | undefined, reader: string): WriteMark | undefined {
  if (!w?.top) return undefined;
  return w.top.by === reader ? w.other : w.top;
}

/** stale-read findings, with the (call, key) pairs they cover so rw-race can skip them. */
export function staleRead(m: RunModel): { anomalies: Anomaly[]; staleKeys: Set<string> } {
  const anomalies: Anomaly[] = [];
  const staleKeys = new Set<string>();
  const writes = new Map<string, KeyWrites>();
  let pending: CallModel[] = [];
  const record = (key: string, mark: WriteMark) => {
    let w = writes.get(key);
    if (!w) {
      w = {};
      writes.set(key, w);
    }
    noteWrite(w, mark);
  };
  const src = m.source;
  // The model noted the only events this rule needs (staleSteps); without them, every event.
  const steps = m.staleSteps;
  const n = steps ? steps.length : src.length;
  for (let k = 0; k < n; k++) {
    const i = steps ? steps[k]! : k;
    const type = src.type(i);
    const seq = src.seq(i);
    if (type === 'tool.end') {
      const c = m.callOf ? m.callOf(i) : m.callById.get(src.call(i)!);
      if (c && c.endSeq === seq)
        for (const kv of c.writes) record(kv.key, { version: kv.version, seq, by: c.id });
    } else if (type === 'state.write') {
      const ev = src.event(i) as Extract<TraceEvent, { type: 'state.write' }>;
      // The spec counts any state.write, whichever call it names: only tool.end writes must be another's.
      record(ev.key, { version: ev.version, seq, by: null });
    } else if (type === 'tool.commit') {
      const c = m.callOf ? m.callOf(i) : m.callById.get(src.call(i)!);
      if (c && c.commitSeq === seq && !c.synthetic && c.reads.length > 0) pending.push(c);
    } else if (type === 'llm.request' && pending.length > 0) {
      const turn = src.turn(i);
      for (const r of pending) {
        const stale: { key: string; vr: number; w: WriteMark }[] = [];
        for (const read of r.reads) {
          const w = newestWriteByOther(writes.get(read.key), r.id);
          if (w && w.version > read.version) stale.push({ key: read.key, vr: read.version, w });
        }
        if (stale.length === 0) continue;
        for (const s of stale) staleKeys.add(`${r.id}\u0000${s.key}`);
        const first = stale[0]!;
        const more =
          stale.length > 1 ? ` (and ${stale.length - 1} more key${stale.length > 2 ? 's' : ''})` : '';
        anomalies.push({
          type: 'stale-read',
          severity: 'error',
          run: m.run,
          turn: r.turn,
          call: r.id,
          seqs: seqs(r.endSeq, ...stale.map((s) => s.w.seq), seq),
          message: `${label(r)} read ${first.key} at version ${first.vr}, but version ${first.w.version} was already written before the model saw the result (turn ${turn}): the agent decided on old data${more}`,
        });
      }
      pending = [];
    }
  }
  return { anomalies, staleKeys };
}

/** Neither's end comes before the other's start; a call that never started is concurrent with nothing. */
export function concurrent(a: CallModel, b: CallModel): boolean {
  if (a.startSeq === undefined || b.startSeq === undefined) return false;
  const aBefore = a.endSeq !== undefined && a.endSeq < b.startSeq;
  const bBefore = b.endSeq !== undefined && b.endSeq < a.startSeq;
  return !aBefore && !bBefore;
}

/**
 * Per turn and key, the calls that read it and that write it (each call once, in call order; keys in
 * order of first use, which orders anomalies that tie in compareAnomalies).
 */
function keyUsers(t: TurnModel): Map<string, { readers: CallModel[]; writers: CallModel[] }> {
  const byKey = new Map<string, { readers: CallModel[]; writers: CallModel[] }>();
  const get = (k: string) => {
    let u = byKey.get(k);
    if (!u) {
      u = { readers: [], writers: [] };
      byKey.set(k, u);
    }
    return u;
  };
  for (const c of t.calls) {
    // Calls come in order, so a call naming a key twice finds itself last in the list.
    for (const r of c.reads) {
      const u = get(r.key).readers;
      if (u[u.length - 1] !== c) u.push(c);
    }
    for (const w of c.writes) {
      const u = get(w.key).writers;
      if (u[u.length - 1] !== c) u.push(c);
    }
  }
  return byKey;
}

/** Whether two or more calls of the turn could race: some call writes, and another one exists. */
function mayRace(t: TurnModel): boolean {
  if (t.calls.length < 2) return false;
  for (const c of t.calls) if (c.writes.length > 0) return true;
  return false;
}

/** rw-race and ww-conflict per turn and key: one sweep per key (firstConcurrent), O(n log n), not readers x writers. */
export function races(m: RunModel, staleKeys: Set<string>): Anomaly[] {
  const out: Anomaly[] = [];
  for (const t of m.turns) {
    if (!mayRace(t)) continue;
    for (const [key, { readers, writers }] of keyUsers(t)) {
      if (writers.length === 0) continue;
      const queried =
        staleKeys.size === 0 ? readers : readers.filter((r) => !staleKeys.has(`${r.id}\u0000${key}`));
      firstConcurrent(writers, queried).forEach((wi, qi) => {
        if (wi < 0) return;
        const [r, w] = [queried[qi]!, writers[wi]!];
        out.push({
          type: 'rw-race',
          severity: 'warning',
          run: m.run,
          turn: t.turn,
          call: r.id,
          seqs: seqs(r.startSeq, w.startSeq, r.endSeq, w.endSeq),
          message: `${label(r)} read ${key} while ${label(w)} was writing it in parallel in turn ${t.turn}; what it saw depends on which finished first`,
        });
      });
      const sorted = [...writers].sort((a, b) => a.index - b.index);
      firstConcurrent(sorted, sorted).forEach((ei, i) => {
        // Only an earlier writer counts: the later one of the two carries the conflict.
        if (ei < 0 || ei >= i) return;
        const [earlier, later] = [sorted[ei]!, sorted[i]!];
        out.push({
          type: 'ww-conflict',
          severity: 'warning',
          run: m.run,
          turn: t.turn,
          call: later.id,
          seqs: seqs(earlier.startSeq, later.startSeq, earlier.endSeq, later.endSeq),
          message: `${label(earlier)} and ${label(later)} both wrote ${key} in parallel in turn ${t.turn}; one update can silently overwrite the other (lost update)`,
        });
      });
    }
  }
  return out;
}
