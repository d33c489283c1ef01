// Rows of the swimlane view. Expanded: the agent's lane, then per turn a header row and one row per
// call in call-index order. Packed (long runs at low zoom): the agent's lane, one summary row of
// turns, then the calls packed into tracks per tool name. Uniform row height keeps lookup O(1).

import type { TimelineColumns } from './timeline-columns.ts';
import { type PackedTracks, packTracks } from './track-packing.ts';
import type { TimeWindow, XMode } from './viewport.ts';

export const ROW_AGENT = 0;
export const ROW_TURN = 1;
export const ROW_CALL = 2;
/** Packed layout: every turn on one row. */
export const ROW_SUMMARY = 3;
/** Packed layout: one lane of a tool's track group (rowRef = track). */
export const ROW_TRACK = 4;

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
  /** Set for the packed layout: its tracks. */
  packed?: PackedTracks;
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

/** Row height of the packed layout: tracks are denser than call rows. */
export const PACKED_ROW_HEIGHT = 18;

/** Agent row, the turns' summary row, then one row per packed track. */
export function buildPackedLayout(
  cols: TimelineColumns,
  packed: PackedTracks,
  rowHeight = PACKED_ROW_HEIGHT,
): LaneLayout {
  const tracks = packed.trackCount.length;
  const rowCount = 2 + tracks;
  const rowKind = new Uint8Array(rowCount);
  const rowRef = new Int32Array(rowCount);
  rowKind[0] = ROW_AGENT;
  rowKind[1] = ROW_SUMMARY;
  for (let k = 0; k < tracks; k++) {
    rowKind[2 + k] = ROW_TRACK;
    rowRef[2 + k] = k;
  }
  const callRow = Int32Array.from(packed.callTrack, (k) => (k < 0 ? 1 : 2 + k));
  const turnRow = new Int32Array(cols.turnCount).fill(1);
  return { rowCount, rowHeight, rowKind, rowRef, callRow, turnRow, packed };
}

const packedCache = new WeakMap<TimelineColumns, Partial<Record<XMode, LaneLayout>>>();

/** The packed layout of a run for an x mode, computed once per columns object and mode. */
export function packedLayoutOf(cols: TimelineColumns, mode: XMode): LaneLayout {
  let byMode = packedCache.get(cols);
  if (!byMode) {
    byMode = {};
    packedCache.set(cols, byMode);
  }
  byMode[mode] ??= buildPackedLayout(cols, packTracks(cols, mode));
  return byMode[mode];
}

/** A window with this few turns always shows one row per call, however narrow. */
export const MIN_PACKED_TURNS = 8;

/** Below this many pixels per turn on average, turns collapse and calls pack into tracks. */
export const PACK_BELOW_PX_PER_TURN = 48;

/** Number of `llm.request` events whose position falls inside `win` (positions ascend with index). */
export function requestsInWindow(cols: TimelineColumns, mode: XMode, win: TimeWindow): number {
  const rq = cols.requests;
  const pos = (k: number) => (mode === 'time' ? cols.t[rq[k]!]! : rq[k]!);
  const lower = (v: number) => {
    let lo = 0;
    let hi = rq.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pos(mid) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return lower(win.end) - lower(win.start);
}

/**
 * The layout a frame uses: packed when the window holds so many turns that each gets fewer than
 * PACK_BELOW_PX_PER_TURN pixels (more than MIN_PACKED_TURNS turns, and packing saves rows), else
 * one row per call.
 */
export function layoutForView(
  cols: TimelineColumns,
  mode: XMode,
  win: TimeWindow,
  width: number,
): LaneLayout {
  const expanded = layoutOf(cols);
  const turns = requestsInWindow(cols, mode, win);
  if (turns <= MIN_PACKED_TURNS || width / turns >= PACK_BELOW_PX_PER_TURN) return expanded;
  const packed = packedLayoutOf(cols, mode);
  return packed.rowCount < expanded.rowCount ? packed : expanded;
}

/** The scroll a frame uses: the stored one, kept inside this layout (a packed one is short). */
export function viewScroll(layout: LaneLayout, scrollY: number, height: number): number {
  return Math.max(0, Math.min(scrollY, maxScroll(layout, height)));
}
