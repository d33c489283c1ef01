// For many calls at once, the first (by list position) other call concurrent with each one: an
// offline sweep with a Fenwick tree of the two smallest positions, O(n log n) per key instead of
// comparing every reader with every writer.
import type { CallModel } from './model.ts';

/** A call's extent in seqs; `end` is Infinity when the call never ended. */
interface Extent {
  /** Position in the candidate list: smaller is "first". */
  pos: number;
  start: number;
  end: number;
}

const NONE = Number.POSITIVE_INFINITY;

/**
 * For each query call, the position in `calls` of the first other call concurrent with it (the test
 * of `concurrent()` in rules.ts: neither ends before the other starts; a call that never started is
 * concurrent with nothing), or -1. Runs in O((calls + queries) log calls).
 */
export function firstConcurrent(calls: readonly CallModel[], queryCalls: readonly CallModel[]): number[] {
  // The few calls of an ordinary turn: comparing each pair allocates nothing and wins by far.
  if (calls.length * queryCalls.length <= SMALL) return firstConcurrentPairwise(calls, queryCalls);
  const posOf = new Map(calls.map((c, i) => [c, i]));
  const extent = (c: CallModel, pos: number): Extent | null =>
    c.startSeq === undefined ? null : { pos, start: c.startSeq, end: c.endSeq ?? NONE };
  const candidates = calls.flatMap((c, i) => extent(c, i) ?? []);
  const queries = queryCalls.map((c) => {
    const e = extent(c, -1);
    return e && { ...e, self: posOf.get(c) ?? -1 };
  });
  return firstOverlap(candidates, queries);
}

/** Below this many pairs, firstConcurrent compares every pair (same answer, see the property test). */
const SMALL = 256;

function firstConcurrentPairwise(calls: readonly CallModel[], queryCalls: readonly CallModel[]): number[] {
  const out = new Array<number>(queryCalls.length);
  for (let qi = 0; qi < queryCalls.length; qi++) {
    const q = queryCalls[qi]!;
    out[qi] = -1;
    if (q.startSeq === undefined) continue;
    const qEnd = q.endSeq ?? NONE;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      if (c === q || c.startSeq === undefined) continue;
      if (c.startSeq <= qEnd && (c.endSeq ?? NONE) >= q.startSeq) {
        out[qi] = i;
        break;
      }
    }
  }
  return out;
}

function firstOverlap(
  candidates: Extent[],
  queries: ({ start: number; end: number; self: number } | null)[],
): number[] {
  const out = new Array<number>(queries.length).fill(-1);
  const n = candidates.length;
  if (n === 0 || queries.length === 0) return out;
  const ids = (len: number) => Array.from({ length: len }, (_, i) => i);
  const byStart = ids(n).sort((a, b) => candidates[a]!.start - candidates[b]!.start);
  // Fenwick positions: candidates ordered by end, largest first, so "end >= x" is a prefix.
  const byEndDesc = ids(n).sort((a, b) => candidates[b]!.end - candidates[a]!.end || a - b);
  const ends = new Float64Array(n);
  const rank = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    ends[i] = candidates[byEndDesc[i]!]!.end;
    rank[byEndDesc[i]!] = i;
  }
  // Each node keeps the two smallest positions in its range, so one of them is not the query's own.
  const best = new Float64Array(n + 1).fill(NONE);
  const second = new Float64Array(n + 1).fill(NONE);
  const order = ids(queries.length)
    .filter((i) => queries[i] !== null)
    .sort((a, b) => queries[a]!.end - queries[b]!.end || a - b);
  let inserted = 0;
  for (const qi of order) {
    const q = queries[qi]!;
    while (inserted < n && candidates[byStart[inserted]!]!.start <= q.end) {
      const c = byStart[inserted++]!;
      const pos = candidates[c]!.pos;
      for (let k = rank[c]! + 1; k <= n; k += k & -k) {
        if (pos < best[k]!) {
          second[k] = best[k]!;
          best[k] = pos;
        } else if (pos < second[k]!) second[k] = pos;
      }
    }
    // How many candidates have end >= q.start: binary search in the descending ends.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! >= q.start) lo = mid + 1;
      else hi = mid;
    }
    let b1 = NONE;
    let b2 = NONE;
    for (let k = lo; k > 0; k -= k & -k) {
      const x = best[k]!;
      const y = second[k]!;
      if (x < b1) {
        b2 = Math.min(b1, y);
        b1 = x;
      } else if (x < b2 && x !== b1) b2 = x;
      if (y < b2 && y !== b1) b2 = y;
    }
    const pick = b1 !== q.self ? b1 : b2;
    if (pick !== NONE) out[qi] = pick;
  }
  return out;
}
