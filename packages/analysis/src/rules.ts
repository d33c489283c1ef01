import type { Anomaly } from './anomaly.ts';
import { type CallModel, callClosedSeq, type RunModel, resolvedSeq, type TurnModel } from './model.ts';

import { label, seqs } from './rule-labels.ts';

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

/**
 * Whether the turn's on-time commits came in call order. `t.calls` is in call (index) order and no
 * two commits share a seq, so this is "their commit seqs ascend": no array, no sort per turn.
 */
function commitsInOrder(t: TurnModel): boolean {
  let last = Number.NEGATIVE_INFINITY;
  for (const c of t.calls) {
    const s = c.commitSeq;
    if (s === undefined || (t.closeSeq !== undefined && s >= t.closeSeq)) continue;
    if (s < last) return false;
    last = s;
  }
  return true;
}

export function commitOrder(m: RunModel): Anomaly[] {
  const out: Anomaly[] = [];
  for (const t of m.turns) {
    if (t.calls.length < 2 || commitsInOrder(t)) continue;
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
