// Time-window math for the timeline: position <-> pixel, zoom around an anchor, pan, and the d3-zoom
// transform equivalent to a window. A "position" is a wall-clock time or an event index (seq mode).
import type { TimelineColumns } from './timeline-columns.ts';

export type XMode = 'time' | 'seq';

export interface TimeWindow {
  start: number;
  end: number;
}

/** Position of event `i` on the x axis. */
export function positionOf(cols: Pick<TimelineColumns, 't'>, mode: XMode, i: number): number {
  return mode === 'time' ? cols.t[i]! : i;
}

/** Earliest and latest time of each run's `t` column (a 1M-event scan the first frame asks for often). */
const timeSpans = new WeakMap<Float64Array, { n: number; lo: number; hi: number }>();

function timeSpanOf(t: Float64Array, n: number): { lo: number; hi: number } {
  const known = timeSpans.get(t);
  if (known && known.n === n) return known;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = t[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = { n, lo, hi };
  timeSpans.set(t, span);
  return span;
}

/** The whole run, with a little margin so first and last events are not on the edge. */
export function fullWindow(cols: Pick<TimelineColumns, 't' | 'eventCount'>, mode: XMode): TimeWindow {
  if (cols.eventCount === 0) return { start: 0, end: 1 };
  let lo: number;
  let hi: number;
  if (mode === 'seq') {
    lo = 0;
    hi = cols.eventCount - 1;
  } else ({ lo, hi } = timeSpanOf(cols.t, cols.eventCount));
  const pad = Math.max((hi - lo) * 0.02, mode === 'seq' ? 0.5 : 1);
  return { start: lo - pad, end: hi + pad };
}

export function xOf(pos: number, win: TimeWindow, width: number): number {
  return ((pos - win.start) / (win.end - win.start)) * width;
}

export function posAt(x: number, win: TimeWindow, width: number): number {
  return win.start + (x / width) * (win.end - win.start);
}

const MIN_SPAN = 1e-3;

/** Keeps a window inside `bounds` (and no wider), and never narrower than a microsecond/event. */
export function clampWindow(win: TimeWindow, bounds: TimeWindow): TimeWindow {
  const full = bounds.end - bounds.start;
  let span = Math.min(Math.max(win.end - win.start, MIN_SPAN), full);
  if (!(span > 0)) span = full;
  let start = Math.max(bounds.start, Math.min(win.start, bounds.end - span));
  if (!Number.isFinite(start)) start = bounds.start;
  return { start, end: start + span };
}

/** Zooms by `factor` (< 1 zooms in) keeping `anchor` (a position) fixed on screen. */
export function zoomWindow(win: TimeWindow, factor: number, anchor: number, bounds: TimeWindow): TimeWindow {
  return clampWindow(
    { start: anchor - (anchor - win.start) * factor, end: anchor + (win.end - anchor) * factor },
    bounds,
  );
}

/** Pans by a fraction of the window's width (negative moves left). */
export function panWindow(win: TimeWindow, fraction: number, bounds: TimeWindow): TimeWindow {
  const d = (win.end - win.start) * fraction;
  return clampWindow({ start: win.start + d, end: win.end + d }, bounds);
}

/** The window Perfetto's WASD keys lead to: W/S zoom around the centre (or the pointer), A/D pan. */
export function windowForKey(
  key: string,
  win: TimeWindow,
  bounds: TimeWindow,
  anchor = (win.start + win.end) / 2,
): TimeWindow | null {
  switch (key.toLowerCase()) {
    case 'w':
      return zoomWindow(win, 0.8, anchor, bounds);
    case 's':
      return zoomWindow(win, 1.25, anchor, bounds);
    case 'a':
      return panWindow(win, -0.1, bounds);
    case 'd':
      return panWindow(win, 0.1, bounds);
    default:
      return null;
  }
}

/** A window showing [a, b] with margins on both sides (for "zoom to this anomaly"). */
export function windowAround(a: number, b: number, bounds: TimeWindow): TimeWindow {
  const span = Math.max(b - a, (bounds.end - bounds.start) * 1e-4, MIN_SPAN);
  return clampWindow({ start: a - span * 0.5, end: b + span * 0.5 }, bounds);
}

/**
 * d3-zoom transform (k, x) under which `bounds`, drawn over `width` pixels starting at `offset`
 * (the label gutter), shows exactly `win` in that same pixel range.
 */
export function transformForWindow(
  win: TimeWindow,
  bounds: TimeWindow,
  width: number,
  offset = 0,
): { k: number; x: number } {
  const k = (bounds.end - bounds.start) / (win.end - win.start);
  return { k, x: offset - k * (offset + xOf(win.start, bounds, width)) };
}

/** Inverse of transformForWindow. */
export function windowForTransform(
  tr: { k: number; x: number },
  bounds: TimeWindow,
  width: number,
  offset = 0,
): TimeWindow {
  return {
    start: posAt((offset - tr.x) / tr.k - offset, bounds, width),
    end: posAt((offset + width - tr.x) / tr.k - offset, bounds, width),
  };
}
