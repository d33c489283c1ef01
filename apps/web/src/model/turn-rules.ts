// Which turns get a rule (the dashed `llm.request` line) at the current zoom: every turn while they
// are far enough apart, else every 2nd, 5th, 10th, 20th, 50th … turn by number, so rules never fill
// the view and stay put while panning (the same turns keep theirs).
import type { TimelineColumns } from './timeline-columns.ts';
import { positionOf, type TimeWindow, type XMode, xOf } from './viewport.ts';

/** Rules closer than this (pixels, on average) are thinned out. */
export const MIN_RULE_GAP = 20;

/** Smallest of 1, 2, 5, 10, 20, 50 … that is at least `n`. */
export function niceStride(n: number): number {
  if (!(n > 1)) return 1;
  let p = 1;
  for (;;) {
    for (const m of [1, 2, 5]) if (m * p >= n) return m * p;
    p *= 10;
  }
}

export interface TurnRules {
  /** x of each rule, ascending, one per pixel at most. */
  xs: number[];
  /** Every `stride`-th turn (by turn number) has a rule. */
  stride: number;
}

/**
 * Rules for the requests in `win`: with `last` the last event shown (replay). At stride 1 every
 * `llm.request` gets one (repeats included); above it, only turns whose number is a multiple.
 */
export function turnRules(
  cols: TimelineColumns,
  mode: XMode,
  win: TimeWindow,
  width: number,
  last: number,
  minGap = MIN_RULE_GAP,
): TurnRules {
  const x = (i: number) => xOf(positionOf(cols, mode, i), win, width);
  const rq = cols.requests;
  const first = lowerBound(rq.length, (k) => x(rq[k]!) < -1);
  const end = lowerBound(rq.length, (k) => x(rq[k]!) <= width + 1);
  // From the run's average density at this zoom, not the count in this window: panning keeps it.
  const stride = niceStride((turnsPerSpan(cols, mode) * (win.end - win.start) * minGap) / Math.max(1, width));
  const xs: number[] = [];
  let prev = Number.NaN;
  const push = (ev: number) => {
    if (ev < 0 || ev > last) return;
    const px = Math.round(x(ev));
    if (px < 0 || px > width || px === prev) return;
    xs.push(px);
    prev = px;
  };
  if (stride === 1) {
    for (let k = first; k < end; k++) push(rq[k]!);
    return { xs, stride };
  }
  // Turns are in number order; only multiples of the stride inside the window are visited.
  const tFirst = lowerBound(cols.turnCount, (ti) => {
    const r = cols.turnRequest[ti]!;
    return r < 0 || x(r) < -1;
  });
  for (let ti = tFirst; ti < cols.turnCount; ) {
    const r = cols.turnRequest[ti]!;
    if (r >= 0 && x(r) > width + 1) break;
    const num = cols.turnNumber[ti]!;
    if (num % stride === 0) push(r);
    // Turn numbers usually run 1, 2, 3 …: jump straight to the next multiple when they do.
    const step = stride - (num % stride);
    ti = ti + step < cols.turnCount && cols.turnNumber[ti + step] === num + step ? ti + step : ti + 1;
  }
  return { xs, stride };
}

/** Requests per unit of position, over the span from the first request to the last. */
function turnsPerSpan(cols: TimelineColumns, mode: XMode): number {
  const rq = cols.requests;
  if (rq.length < 2) return 0;
  const span = positionOf(cols, mode, rq[rq.length - 1]!) - positionOf(cols, mode, rq[0]!);
  return span > 0 ? (rq.length - 1) / span : 0;
}

/** First k in [0, n) for which `before(k)` is false (`before` must be true, then false). */
function lowerBound(n: number, before: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
