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

function firstOverlap(
  candidates: Extent[],
  queries: ({ start: number; end: number; self: number } | null)[],
): number[] {
  const out = new Array<number>(queries.length).fill(-1);
  const n = candidates.length;
  if (n === 0 || queries.length === 0) return out;
  const byStart = [...candidates].sort((a, b) => a.start - b.start);
  // Fenwick positions: candidates ordered by end, largest first, so "end >= x" is a prefix.
  const byEndDesc = [...candidates].sort((a, b) => b.end - a.end);
  const ends = byEndDesc.map((c) => c.end);
  const rank = new Map<Extent, number>(byEndDesc.map((c, i) => [c, i]));
  // Each node keeps the two smallest positions in its range, so one of them is not the query's own.
  const best = new Float64Array(n + 1).fill(NONE);
  const second = new Float64Array(n + 1).fill(NONE);
  const put = (i: number, pos: number) => {
    for (let k = i + 1; k <= n; k += k & -k) {
      if (pos < best[k]!) {
        second[k] = best[k]!;
        best[k] = pos;
      } else if (pos < second[k]! && pos !== best[k]) second[k] = pos;
    }
  };
  const order = queries.flatMap((q, i) => (q ? [i] : [])).sort((a, b) => queries[a]!.end - queries[b]!.end);
  let inserted = 0;
  for (const qi of order) {
    const q = queries[qi]!;
    while (inserted < n && byStart[inserted]!.start <= q.end) {
      const c = byStart[inserted++]!;
      put(rank.get(c)!, c.pos);
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
    const take = (v: number) => {
      if (v < b1) {
        b2 = b1;
        b1 = v;
      } else if (v < b2 && v !== b1) b2 = v;
    };
    for (let k = lo; k > 0; k -= k & -k) {
      take(best[k]!);
      take(second[k]!);
    }
    const pick = b1 !== q.self ? b1 : b2;
    if (pick !== NONE) out[qi] = pick;
  }
  return out;
}
