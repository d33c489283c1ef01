// Paints search matches over the swimlane frame: an outline around each matching call's bar and a
// tint on its row, stronger for the match Enter went to. Only visible rows are visited.
import { type LaneLayout, ROW_CALL, visibleRows } from '../model/lane-layout.ts';
import type { SearchState } from '../model/session-state.ts';
import type { TimelineColumns } from '../model/timeline-columns.ts';
import { positionOf, type TimeWindow, type XMode, xOf } from '../model/viewport.ts';

const masks = new WeakMap<Int32Array, Uint8Array>();

function maskOf(search: SearchState, lanes: number): Uint8Array {
  let m = masks.get(search.lanes);
  if (!m || m.length !== lanes) {
    m = new Uint8Array(lanes);
    for (const l of search.lanes) if (l < lanes) m[l] = 1;
    masks.set(search.lanes, m);
  }
  return m;
}

export interface SearchPaint {
  cols: TimelineColumns;
  layout: LaneLayout;
  search: SearchState;
  win: TimeWindow;
  mode: XMode;
  width: number;
  height: number;
  gutter: number;
  scrollY: number;
  playhead: number | null;
  color: string;
}

export function paintSearch(ctx: CanvasRenderingContext2D, p: SearchPaint): void {
  const { cols, layout, search } = p;
  if (search.lanes.length === 0 || search.run !== cols.run) return;
  const mask = maskOf(search, cols.callCount);
  const current = search.current >= 0 ? search.lanes[search.current]! : -1;
  const last = p.playhead ?? cols.eventCount - 1;
  const rh = layout.rowHeight;
  const [r0, r1] = visibleRows(layout, p.scrollY, p.height);
  ctx.save();
  ctx.strokeStyle = p.color;
  for (let r = r0; r < r1; r++) {
    if (layout.rowKind[r] !== ROW_CALL) continue;
    const lane = layout.rowRef[r]!;
    if (!mask[lane]) continue;
    const y = r * rh - p.scrollY;
    ctx.globalAlpha = lane === current ? 0.35 : 0.15;
    ctx.fillStyle = p.color;
    ctx.fillRect(0, y, p.gutter, rh);
    ctx.globalAlpha = 1;
    const s = cols.callStart[lane]!;
    if (s < 0 || s > last) continue;
    const e = cols.callEnd[lane]!;
    const x0 = xOf(positionOf(cols, p.mode, s), p.win, p.width);
    const x1 = xOf(positionOf(cols, p.mode, e >= 0 && e <= last ? e : last), p.win, p.width);
    if (x1 < -2 || x0 > p.width + 2) continue;
    ctx.lineWidth = lane === current ? 3 : 2;
    const left = Math.max(-2, x0) + p.gutter;
    ctx.strokeRect(left - 1.5, y + 2.5, Math.max(3, Math.min(p.width + 2, x1) + p.gutter - left) + 3, rh - 5);
  }
  ctx.restore();
}
