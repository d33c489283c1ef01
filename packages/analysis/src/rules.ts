// The anomaly rules of the shared spec/trace-format-v1.md (see docs/anomalies.md), one function each, over a RunModel.
// Each returns anomalies with the seqs that prove them and a message a newcomer can follow.
import type { TraceEvent } from '@causelane/trace-schema';
import type { Anomaly } from './anomaly.ts';
import { firstConcurrent } from './first-concurrent.ts';
import { type CallModel, callClosedSeq, type RunModel, resolvedSeq, type TurnModel } from './model.ts';

const label = (c: CallModel) => `${c.name} (call ${c.id})`;
const seqs = (...xs: (number | undefined)[]) =>
  [...new Set(xs.filter((x): x is number => x !== undefined))].sort((a, b) => a - b);

export function prematureLlmCall(m: RunModel): Anomaly[] {
  const out: Anomaly[] = [];
  for (const t of m.turns) {
    if (t.closeSeq === undefined) continue;
    for (const c of t.calls) {
      const res = resolvedSeq(c);
      if (res !== undefined && res < t.closeSeq) continue;
      const state =
        c.startSeq === undefined || c.startSeq > t.closeSeq
          ? 'had not even started'
          : c.endSeq === undefined || c.endSeq > t.closeSeq
            ? 'was still running'
            : 'had finished but its result was never committed';
      const after =
        c.commitSeq !== undefined && c.commitSeq > t.closeSeq && !c.synthetic
          ? `; its result later landed in turn ${t.closedByTurn}'s context`
          : res === undefined
            ? '; it was never resolved'
            : '';
      out.push({
        type: 'premature-llm-call',
        severity: 'error',
        run: m.run,
        turn: t.closedByTurn!,
        call: c.id,
        seqs: seqs(
          c.listedSeq,
          c.startSeq !== undefined && c.startSeq < t.closeSeq ? c.startSeq : undefined,
          t.closeSeq,
        ),
        message: `turn ${t.closedByTurn} asked the model while ${label(c)} of turn ${t.turn} ${state}${after}`,
      });
    }
  }
  return out;
}

export function lateCommit(m: RunModel): Anomaly[] {
  const out: Anomaly[] = [];
  for (const t of m.turns) {
    if (t.closeSeq === undefined) continue;
    for (const c of t.calls) {
      if (c.commitSeq === undefined || c.commitSeq < t.closeSeq) continue;
      const what = c.synthetic ? 'a stand-in result for' : 'the result of';
      out.push({
        type: 'late-commit',
        severity: 'error',
        run: m.run,
        turn: t.turn,
        call: c.id,
        seqs: seqs(t.closeSeq, c.endSeq, c.commitSeq),
        message: `${what} ${label(c)} from turn ${t.turn} was committed after turn ${t.closedByTurn} had already asked the model, so it landed in a later turn's context`,
      });
    }
  }
  return out;
}

/** Calls of the turn committed before it closed, in commit order. */
function onTimeCommits(t: TurnModel): CallModel[] {
  return t.calls
    .filter((c) => c.commitSeq !== undefined && (t.closeSeq === undefined || c.commitSeq < t.closeSeq))
    .sort((a, b) => a.commitSeq! - b.commitSeq!);
}

export function commitOrder(m: RunModel): Anomaly[] {
  const out: Anomaly[] = [];
  for (const t of m.turns) {
    if (t.calls.length < 2) continue;
    const committed = onTimeCommits(t);
    const inOrder = committed.every((c, i) => i === 0 || committed[i - 1]!.index < c.index);
    if (inOrder) continue;
    const byIndex = [...committed].sort((a, b) => a.index - b.index);
    out.push({
      type: 'commit-order',
      severity: 'warning',
      run: m.run,
      turn: t.turn,
      call: null,
      seqs: seqs(...committed.map((c) => c.commitSeq)),
      message: `turn ${t.turn} committed results in arrival order ${committed.map((c) => c.id).join(', ')} instead of call order ${byIndex.map((c) => c.id).join(', ')}`,
    });
  }
  return out;
}

export function orphanedResult(m: RunModel): Anomaly[] {
  const out: Anomaly[] = [];
  for (const t of m.turns) {
    for (const c of t.calls) {
      const closed = callClosedSeq(c, t);
      if (closed === undefined || c.endSeq === undefined || c.endSeq < closed) continue;
      if (c.commitSeq !== undefined && !c.synthetic) continue; // a committed late result is a late-commit
      const by =
        c.timeoutSeq !== undefined && c.timeoutSeq === closed
          ? 'timed out'
          : `was closed by turn ${t.closedByTurn}`;
      const kept = c.orphanSeq !== undefined;
      out.push({
        type: 'orphaned-result',
        severity: kept ? 'info' : 'warning',
        run: m.run,
        turn: t.turn,
        call: c.id,
        seqs: seqs(closed, c.endSeq, c.orphanSeq),
        message: kept
          ? `${label(c)} of turn ${t.turn} ${by}; its late result was kept in the orphaned-results buffer, out of the context`
          : `${label(c)} of turn ${t.turn} ${by}, then its result arrived and was silently dropped: neither committed nor kept as an orphan`,
      });
    }
  }
  return out;
}

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

/** Per turn and key, the calls that read it and that write it. */
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
    if (c.reads.length > 0) for (const k of new Set(c.reads.map((r) => r.key))) get(k).readers.push(c);
    if (c.writes.length > 0) for (const k of new Set(c.writes.map((w) => w.key))) get(k).writers.push(c);
  }
  return byKey;
}

/** rw-race and ww-conflict per turn and key: one sweep per key (firstConcurrent), O(n log n), not readers x writers. */
export function races(m: RunModel, staleKeys: Set<string>): Anomaly[] {
  const out: Anomaly[] = [];
  for (const t of m.turns) {
    if (t.calls.length < 2) continue;
    for (const [key, { readers, writers }] of keyUsers(t)) {
      if (writers.length === 0) continue;
      const queried = readers.filter((r) => !staleKeys.has(`${r.id}\u0000${key}`));
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

export function unmatchedResult(m: RunModel): Anomaly[] {
  return m.unmatched.map((u) => {
    const what = u.type.slice('tool.'.length);
    const message =
      u.reason === 'unknown-call'
        ? `a tool ${what} names call ${u.call} in turn ${u.turn}, but the model never asked for that call id; it must not reach the context`
        : u.reason === 'wrong-turn'
          ? `a tool ${what} names call ${u.call} as turn ${u.turn}, but the call belongs to turn ${u.actualTurn}`
          : `call ${u.call} of turn ${u.turn} was committed a second time; each call id must be answered exactly once`;
    return {
      type: 'unmatched-result' as const,
      severity: 'error' as const,
      run: m.run,
      turn: u.turn,
      call: u.call,
      seqs: seqs(u.firstCommitSeq, u.seq),
      message,
    };
  });
}
