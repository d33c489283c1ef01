// Draw-list rows of the packed layout (long runs at low zoom): the turns' summary row, and tool
// tracks whose calls are visited by binary search and skipped a pixel at a time, so a frame costs
// O(width · log calls) per track however many calls a run has (Perfetto's mipmapped merging).
import { type DrawInput, type DrawList, pushBar } from './draw-types.ts';
import { callStateOps, stateSummary } from './state-ops.ts';
import { CALL_FAILED, CALL_SYNTHETIC } from './timeline-columns.ts';
import { firstEndingAfter, lastStartingBefore, type PackedTracks } from './track-packing.ts';
import { posAt, xOf } from './viewport.ts';

type XFn = (i: number) => number;

/** Every turn on one row, from its request to the next turn's, shaded alternately, labelled when wide. */
export function drawTurnSummary(
  input: DrawInput,
  out: DrawList,
  x: XFn,
  y: number,
  h: number,
  last: number,
  endX: number,
): void {
  const { cols, width } = input;
  for (let ti = Math.max(0, firstTurnAt(cols, x, 0, -2) - 1); ti < cols.turnCount; ti++) {
    const rq = cols.turnRequest[ti]!;
    if (rq < 0 || rq > last) continue;
    const x0 = x(rq);
    if (x0 > width + 2) break;
    let next = -1;
    for (let u = ti + 1; u < cols.turnCount && next < 0; u++) next = cols.turnRequest[u]!;
    const x1 = next >= 0 && next <= last ? x(next) : endX;
    if (x1 >= -2) pushBar(ti % 2 ? out.bars.turnAlt : out.bars.turn, x0, x1, y, h);
    const cx0 = Math.max(0, x0);
    const cw = Math.min(width, x1) - cx0;
    if (cw > 44)
      out.texts.push({ x: cx0, y, w: cw, lane: -1, name: `turn ${cols.turnNumber[ti]}`, state: '' });
    // Turns that start inside this pixel add nothing to it: continue from the last of them.
    if (x1 - x0 < 1) ti = Math.max(ti, firstTurnAt(cols, x, ti + 1, Math.floor(x1) + 1) - 2);
  }
}

/**
 * First turn index in [from, turnCount) whose request is drawn at or right of `px` (requests
 * ascend with the turn; a turn without a request counts as left of everything).
 */
export function firstTurnAt(cols: DrawInput['cols'], x: XFn, from: number, px: number): number {
  let lo = from;
  let hi = cols.turnCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const rq = cols.turnRequest[mid]!;
    if (rq < 0 || x(rq) < px) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One packed lane: its visible calls, merging every run of calls that fits inside one pixel. */
export function drawPackedTrack(
  input: DrawInput,
  out: DrawList,
  p: PackedTracks,
  k: number,
  y: number,
  h: number,
  last: number,
  endX: number,
): void {
  const { cols, win, width } = input;
  const xp = (pos: number) => xOf(pos, win, width);
  const stop = p.trackFirst[k]! + p.trackCount[k]!;
  let i = firstEndingAfter(p, k, posAt(-2, win, width));
  while (i < stop) {
    const c = p.trackCalls[i]!;
    const s = cols.callStart[c]!;
    const x0 = xp(p.callStartPos[i]!);
    if (x0 > width + 2) break;
    if (s > last) {
      i++;
      continue;
    }
    const e = cols.callEnd[c]!;
    const ended = e >= 0 && e <= last;
    const x1 = ended ? xp(p.callEndPos[i]!) : endX;
    const style = !ended ? 'open' : cols.callFlags[c]! & CALL_FAILED ? 'failed' : 'ok';
    if (x1 >= -2) pushBar(out.bars[style], x0, x1, y, h);
    const w = x1 - x0;
    if (w >= 6) callMarks(input, out, c, x0, x1, y, h, last);
    if (w < 1 && !p.trackOverflow[k]) {
      // Calls that start before the next pixel boundary all end before the last of them starts.
      const j = lastStartingBefore(p, k, i + 1, posAt(Math.floor(x1) + 1, win, width));
      if (j > i && cols.callStart[p.trackCalls[j]!]! <= last) {
        if (p.failedBefore[j]! - p.failedBefore[i + 1]! > 0)
          pushBar(out.bars.failed, Math.floor(x1), Math.floor(x1) + 1, y, h);
        i = j;
        continue;
      }
    }
    i++;
  }
}

/** Commit, timeout and orphan marks and the label of a call bar wide enough to show them. */
function callMarks(
  input: DrawInput,
  out: DrawList,
  c: number,
  x0: number,
  x1: number,
  y: number,
  h: number,
  last: number,
): void {
  const { cols, width, win, mode } = input;
  const mark = (ev: number, kind: 'commit' | 'synthetic' | 'timeout' | 'orphan') => {
    if (ev < 0 || ev > last) return;
    const mx = xOf(mode === 'time' ? cols.t[ev]! : ev, win, width);
    if (mx >= -6 && mx <= width + 6) out.markers[kind].push(mx, y + h / 2);
  };
  mark(cols.callCommit[c]!, cols.callFlags[c]! & CALL_SYNTHETIC ? 'synthetic' : 'commit');
  mark(cols.callTimeout[c]!, 'timeout');
  mark(cols.callOrphan[c]!, 'orphan');
  const cx0 = Math.max(0, x0);
  const cw = Math.min(width, x1) - cx0;
  if (cw > 40)
    out.texts.push({
      x: cx0,
      y,
      w: cw,
      lane: c,
      name: cols.callName[c]!,
      state: stateSummary(callStateOps(cols, c)),
    });
}
