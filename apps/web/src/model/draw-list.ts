// What one frame of the swimlane canvas shows, as flat coordinate batches grouped by style, so the
// painter draws in a few passes by colour. Only visible rows and the visible window are visited;
// bars narrower than a pixel that touch are merged into one rectangle.
import type { Severity } from '@causelane/analysis/anomaly';
import { type LaneLayout, ROW_AGENT, ROW_CALL, ROW_TURN, visibleRows } from './lane-layout.ts';
import { CALL_FAILED, CALL_SYNTHETIC, type PlacedAnomaly, type TimelineColumns } from './timeline-columns.ts';
import { positionOf, type TimeWindow, type XMode, xOf } from './viewport.ts';

export type BarStyle = 'ok' | 'failed' | 'open' | 'agent' | 'turn';
export type MarkerKind = 'commit' | 'synthetic' | 'timeout' | 'orphan';

export interface DrawInput {
  cols: TimelineColumns;
  layout: LaneLayout;
  win: TimeWindow;
  mode: XMode;
  width: number;
  height: number;
  scrollY: number;
  /** Last event index shown (replay); events after it have not happened yet. */
  playhead: number | null;
  anomalies: readonly PlacedAnomaly[];
}

export interface RowLabel {
  row: number;
  y: number;
  kind: number;
  /** Call lane or turn position. */
  ref: number;
}

export interface DrawList {
  bars: Record<BarStyle, number[]>;
  markers: Record<MarkerKind, number[]>;
  /** x of each `llm.request` rule, deduplicated per pixel. */
  rules: number[];
  flags: Record<Severity, number[]>;
  flagHits: { x: number; y: number; id: number }[];
  /** Call names on bars wide enough to hold them. */
  texts: { x: number; y: number; w: number; lane: number }[];
  rows: RowLabel[];
  playheadX: number | null;
}

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

/** Adds a bar, merging it into the previous one of the same batch when both are sub-pixel and touch. */
function pushBar(batch: number[], x0: number, x1: number, y: number, h: number): void {
  const w = x1 - x0;
  const n = batch.length;
  if (w < 1 && n >= 4 && batch[n - 3] === y) {
    const px = batch[n - 4]!;
    const pw = batch[n - 2]!;
    if (x0 <= px + pw + 1 && pw < 2) {
      batch[n - 2] = Math.max(pw, x1 - px);
      return;
    }
  }
  batch.push(x0, y, Math.max(w, 1), h);
}

export function buildDrawList(input: DrawInput): DrawList {
  const { cols, layout, win, mode, width, height, scrollY } = input;
  const last = input.playhead ?? cols.eventCount - 1;
  const out: DrawList = {
    bars: { ok: [], failed: [], open: [], agent: [], turn: [] },
    markers: { commit: [], synthetic: [], timeout: [], orphan: [] },
    rules: [],
    flags: { error: [], warning: [], info: [] },
    flagHits: [],
    texts: [],
    rows: [],
    playheadX: input.playhead === null ? null : xOf(positionOf(cols, mode, last), win, width),
  };
  if (cols.eventCount === 0) return out;
  const x = (i: number) => xOf(positionOf(cols, mode, i), win, width);
  const endX = x(Math.max(0, last));
  const rh = layout.rowHeight;
  const barH = rh - 8;
  const visible = (x0: number, x1: number) => x1 >= -2 && x0 <= width + 2;
  const [r0, r1] = visibleRows(layout, scrollY, height);

  for (let r = r0; r < r1; r++) {
    const y = r * rh - scrollY;
    const kind = layout.rowKind[r]!;
    out.rows.push({ row: r, y, kind, ref: layout.rowRef[r]! });
    if (kind === ROW_AGENT) drawAgentLane(input, out, x, y + 4, barH, last, endX, visible);
    else if (kind === ROW_TURN) {
      const ti = layout.rowRef[r]!;
      const rq = cols.turnRequest[ti]!;
      if (rq < 0 || rq > last) continue;
      const next = ti + 1 < cols.turnCount ? cols.turnRequest[ti + 1]! : -1;
      const x0 = x(rq);
      const x1 = next >= 0 && next <= last ? x(next) : endX;
      if (visible(x0, x1)) pushBar(out.bars.turn, x0, x1, y + rh - 5, 3);
    } else if (kind === ROW_CALL) {
      drawCall(input, out, layout.rowRef[r]!, x, y, barH, last, endX, visible);
    }
  }

  let prevPx = Number.NaN;
  for (const rq of cols.requests) {
    if (rq > last) break;
    const px = Math.round(x(rq));
    if (px < 0 || px > width || px === prevPx) continue;
    out.rules.push(px);
    prevPx = px;
  }

  const seen = new Set<number>();
  for (const a of input.anomalies) {
    if (a.knownAt > last) continue;
    for (let k = 0; k < a.evs.length; k++) {
      const ev = a.evs[k]!;
      if (ev < 0) continue;
      const lane = a.lanes[k]!;
      const row = lane < 0 ? 0 : layout.callRow[lane]!;
      if (row < r0 || row >= r1) continue;
      const fx = x(ev);
      if (fx < -4 || fx > width + 4) continue;
      const key = row * 100_000 + Math.round(fx) * 4 + SEVERITIES.indexOf(a.severity);
      out.flagHits.push({ x: fx, y: row * rh - scrollY, id: a.id });
      if (seen.has(key)) continue;
      seen.add(key);
      out.flags[a.severity].push(fx, row * rh - scrollY);
    }
  }
  return out;
}

type XFn = (i: number) => number;
type VisFn = (x0: number, x1: number) => boolean;

function drawAgentLane(
  input: DrawInput,
  out: DrawList,
  x: XFn,
  y: number,
  h: number,
  last: number,
  endX: number,
  vis: VisFn,
): void {
  const { cols } = input;
  for (let ti = 0; ti < cols.turnCount; ti++) {
    const rq = cols.turnRequest[ti]!;
    if (rq < 0 || rq > last) continue;
    const rs = cols.turnResponse[ti]!;
    const x0 = x(rq);
    const x1 = rs >= 0 && rs <= last ? x(rs) : endX;
    if (vis(x0, x1)) pushBar(out.bars.agent, x0, x1, y, h);
  }
}

function drawCall(
  input: DrawInput,
  out: DrawList,
  c: number,
  x: XFn,
  y: number,
  h: number,
  last: number,
  endX: number,
  vis: VisFn,
): void {
  const { cols, width } = input;
  const s = cols.callStart[c]!;
  if (s >= 0 && s <= last) {
    const e = cols.callEnd[c]!;
    const ended = e >= 0 && e <= last;
    const x0 = x(s);
    const x1 = ended ? x(e) : endX;
    if (vis(x0, x1)) {
      const style: BarStyle = !ended ? 'open' : cols.callFlags[c]! & CALL_FAILED ? 'failed' : 'ok';
      pushBar(out.bars[style], x0, x1, y + 4, h);
      const cx0 = Math.max(0, x0);
      const cw = Math.min(width, x1) - cx0;
      if (cw > 40) out.texts.push({ x: cx0, y: y + 4, w: cw, lane: c });
    }
  }
  const mark = (ev: number, kind: MarkerKind) => {
    if (ev < 0 || ev > last) return;
    const mx = x(ev);
    if (mx >= -6 && mx <= width + 6) out.markers[kind].push(mx, y + 4 + h / 2);
  };
  const commit = cols.callCommit[c]!;
  mark(commit, cols.callFlags[c]! & CALL_SYNTHETIC ? 'synthetic' : 'commit');
  mark(cols.callTimeout[c]!, 'timeout');
  mark(cols.callOrphan[c]!, 'orphan');
}
