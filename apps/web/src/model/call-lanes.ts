// How a run's calls become timeline lanes, fast enough for 300k calls: lanes in turn then index
// order, seq -> event index in O(1) where seqs are dense, and a compact run's interned call ids
// mapped to lanes through the events that name them instead of a map of every id string.
import type { RunModel } from '@causelane/analysis';
import type { CompactRun } from '@causelane/trace-schema';
import { searchSeq } from './seq-search.ts';

/** Event index of seq `s` (-1 when absent): O(1) where seqs are dense, else a binary search. */
export function seqIndexer(seq: Float64Array): (s: number | undefined) => number {
  const n = seq.length;
  const base = n > 0 ? seq[0]! : 0;
  return (s) => {
    if (s === undefined) return -1;
    const guess = s - base;
    if (guess >= 0 && guess < n && seq[guess] === s) return guess;
    return searchSeq(seq, s);
  };
}

/** Call lanes: by turn, then index within the turn (a turn's calls usually come in index order). */
export function orderedCalls(model: RunModel): RunModel['calls'] {
  const out: RunModel['calls'] = [];
  for (const tm of model.turns) {
    const cs = tm.calls;
    let sorted = true;
    for (let k = 1; k < cs.length && sorted; k++) sorted = cs[k - 1]!.index <= cs[k]!.index;
    for (const c of sorted ? cs : [...cs].sort((x, y) => x.index - y.index)) out.push(c);
  }
  return out;
}

/**
 * Lane of each interned call id of a compact run, read off the events each call's lifecycle columns
 * point at (their call index is the id's); a call no such event names is looked up by its id.
 */
export function laneOfInterned(
  cc: ReturnType<CompactRun['columns']>,
  callId: readonly string[],
  callTurn: Int32Array,
  lifecycle: readonly Int32Array[],
): Int32Array {
  const laneOfId = new Int32Array(cc.ids.length).fill(-1);
  const unnamed = new Map<string, number>();
  for (let l = 0; l < callId.length; l++) {
    let named = false;
    for (const col of lifecycle) {
      const e = col[l]!;
      const k = e >= 0 ? cc.call[e]! : -1;
      if (k >= 0 && cc.turn[e] === callTurn[l]) {
        laneOfId[k] = l;
        named = true;
      }
    }
    if (!named) unnamed.set(callId[l]!, l);
  }
  if (unnamed.size > 0)
    for (let k = 0; k < laneOfId.length; k++)
      if (laneOfId[k]! < 0) laneOfId[k] = unnamed.get(cc.ids[k]!) ?? -1;
  return laneOfId;
}
