// Rows of the swimlane view: the agent's lane first, then per turn a header row and one row per call
// in call-index order. Uniform row height keeps row lookup O(1) for virtualised drawing.
import type { TimelineColumns } from './timeline-columns.ts';

export const ROW_AGENT = 0;
export const ROW_TURN = 1;
export const ROW_CALL = 2;

export interface LaneLayout {
  rowCount: number;
  rowHeight: number;
  /** ROW_AGENT, ROW_TURN or ROW_CALL. */
  rowKind: Uint8Array;
  /** Turn position (for ROW_TURN) or call lane (for ROW_CALL). */
  rowRef: Int32Array;
  /** Row of each call lane and of each turn's header. */
  callRow: Int32Array;
  turnRow: Int32Array;
}

export function buildLaneLayout(cols: TimelineColumns, rowHeight = 22): LaneLayout {
  const rowCount = 1 + cols.turnCount + cols.callCount;
  const rowKind = new Uint8Array(rowCount);
  const rowRef = new Int32Array(rowCount);
  const callRow = new Int32Array(cols.callCount);
  const turnRow = new Int32Array(cols.turnCount);
  let r = 1;
  for (let ti = 0; ti < cols.turnCount; ti++) {
    rowKind[r] = ROW_TURN;
    rowRef[r] = ti;
    turnRow[ti] = r++;
    const first = cols.turnFirstCall[ti]!;
    for (let c = first; c < first + cols.turnCallCount[ti]!; c++) {
      rowKind[r] = ROW_CALL;
      rowRef[r] = c;
      callRow[c] = r++;
    }
  }
  return { rowCount, rowHeight, rowKind, rowRef, callRow, turnRow };
}

/** Rows [first, last) intersecting a viewport of `height` pixels scrolled by `scrollY`. */
export function visibleRows(layout: LaneLayout, scrollY: number, height: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollY / layout.rowHeight));
  const last = Math.min(layout.rowCount, Math.ceil((scrollY + height) / layout.rowHeight));
  return [first, Math.max(first, last)];
}

/** Row under a y coordinate (relative to the lanes' top), or -1. */
export function rowAt(layout: LaneLayout, scrollY: number, y: number): number {
  const r = Math.floor((y + scrollY) / layout.rowHeight);
  return r >= 0 && r < layout.rowCount ? r : -1;
}

/** Largest useful vertical scroll. */
export function maxScroll(layout: LaneLayout, height: number): number {
  return Math.max(0, layout.rowCount * layout.rowHeight - height);
}

/** Scroll that brings `row` into view, keeping it a few rows from the top when it moves. */
export function scrollToRow(layout: LaneLayout, scrollY: number, height: number, row: number): number {
  const y = row * layout.rowHeight;
  if (y >= scrollY && y + layout.rowHeight <= scrollY + height) return scrollY;
  return Math.min(maxScroll(layout, height), Math.max(0, y - 3 * layout.rowHeight));
}

const cache = new WeakMap<TimelineColumns, LaneLayout>();

/** The layout of a run's columns, computed once per columns object. */
export function layoutOf(cols: TimelineColumns): LaneLayout {
  let l = cache.get(cols);
  if (!l) {
    l = buildLaneLayout(cols);
    cache.set(cols, l);
  }
  return l;
}
