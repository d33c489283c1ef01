// The one binary search for an event by seq over a sorted seq column (columns, growable buffers).

/** Index of `seq` in the ascending `seqs[0..length)`, or -1 when absent. */
export function searchSeq(seqs: ArrayLike<number>, seq: number, length = seqs.length): number {
  let lo = 0;
  let hi = length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = seqs[mid]!;
    if (v === seq) return mid;
    if (v < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
