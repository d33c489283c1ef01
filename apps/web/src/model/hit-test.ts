// What a click on the swimlane timeline lands on: an anomaly flag first (they sit on top of the bars),
// else the lane under the pointer and the call it stands for. Pure, so the canvas only forwards it.
import type { DrawList } from './draw-list.ts';
import { type LaneLayout, ROW_CALL, ROW_SUMMARY, ROW_TRACK, ROW_TURN, rowAt } from './lane-layout.ts';
import type { TimelineColumns } from './timeline-columns.ts';
import { callInTrackAt } from './track-packing.ts';
import { posAt, type TimeWindow, type XMode } from './viewport.ts';

/** How far from a flag's x (each side) and below its top a click still hits it, in pixels. */
export const FLAG_HIT_HALF_WIDTH = 6;
export const FLAG_HIT_HEIGHT = 12;

export type TimelineHit =
  /** An anomaly flag: its id in the run's anomaly list. */
  | { kind: 'anomaly'; id: number }
  /** A lane: the call it shows (a turn's header stands for the turn's first call), or null. */
  | { kind: 'lane'; call: string | null };

export interface HitTestInput {
  cols: TimelineColumns;
  layout: LaneLayout;
  /** Flags of the frame on screen (the draw list), in lane coordinates. */
  flagHits: DrawList['flagHits'];
  scrollY: number;
  /** The frame's window, x mode and lane width: needed on packed rows, where x picks the call. */
  view?: { win: TimeWindow; mode: XMode; width: number };
}

/**
 * The target at (`x`, `y`): `x` from the lanes' left edge (negative over the label gutter), `y` from
 * the canvas top. Null below the last row.
 */
export function hitTest(input: HitTestInput, x: number, y: number): TimelineHit | null {
  const flag = input.flagHits.find(
    (f) => Math.abs(f.x - x) <= FLAG_HIT_HALF_WIDTH && y >= f.y && y <= f.y + FLAG_HIT_HEIGHT,
  );
  if (flag) return { kind: 'anomaly', id: flag.id };
  const { cols, layout } = input;
  const row = rowAt(layout, input.scrollY, y);
  if (row < 0) return null;
  const kind = layout.rowKind[row];
  const ref = layout.rowRef[row]!;
  if (kind === ROW_CALL) return { kind: 'lane', call: cols.callId[ref]! };
  if ((kind === ROW_TRACK || kind === ROW_SUMMARY) && input.view && x >= 0) {
    const { win, mode, width } = input.view;
    const pos = posAt(x, win, width);
    const slop = posAt(x + 3, win, width) - pos;
    if (kind === ROW_TRACK && layout.packed) {
      const c = callInTrackAt(layout.packed, ref, pos, slop);
      return { kind: 'lane', call: c >= 0 ? cols.callId[c]! : null };
    }
    const ti = turnAtPosition(cols, mode, pos);
    if (ti >= 0 && cols.turnCallCount[ti]! > 0)
      return { kind: 'lane', call: cols.callId[cols.turnFirstCall[ti]!]! };
    return { kind: 'lane', call: null };
  }
  if (kind === ROW_TURN && cols.turnCallCount[ref]! > 0)
    return { kind: 'lane', call: cols.callId[cols.turnFirstCall[ref]!]! };
  return { kind: 'lane', call: null };
}

/** The turn whose request is the last at or before `pos`, or -1. */
function turnAtPosition(cols: TimelineColumns, mode: XMode, pos: number): number {
  let lo = 0;
  let hi = cols.turnCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const rq = cols.turnRequest[mid]!;
    const p = rq < 0 ? Number.NEGATIVE_INFINITY : mode === 'time' ? cols.t[rq]! : rq;
    if (p <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
