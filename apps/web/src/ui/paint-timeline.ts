// Paints a draw list onto a 2D canvas in passes by colour, the selected anomaly's proof arrows on
// top. Trace text goes through fillText only, so names and arguments are never interpreted as markup.

import type { DrawList } from '../model/draw-list.ts';
import { ROW_AGENT, ROW_CALL, ROW_SUMMARY, ROW_TRACK, ROW_TURN } from '../model/lane-layout.ts';
import type { TimelineColumns } from '../model/timeline-columns.ts';
import { paintProof } from './paint-proof.ts';
import type { Palette } from './theme.ts';

export interface PaintOptions {
  width: number;
  height: number;
  gutter: number;
  rowHeight: number;
  selectedCall: string | null;
  selectedLane: number;
  palette: Palette;
  /** Gutter label of a packed track row (the packed layout's tool name and lane). */
  trackLabel?: (track: number) => string;
}

function rects(ctx: CanvasRenderingContext2D, batch: number[], color: string, dx: number): void {
  if (batch.length === 0) return;
  ctx.fillStyle = color;
  for (let i = 0; i < batch.length; i += 4)
    ctx.fillRect(batch[i]! + dx, batch[i + 1]!, batch[i + 2]!, batch[i + 3]!);
}

export function paintTimeline(
  ctx: CanvasRenderingContext2D,
  cols: TimelineColumns,
  list: DrawList,
  o: PaintOptions,
): void {
  const { palette: p, gutter: g, rowHeight: rh } = o;
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, o.width, o.height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';

  for (const r of list.rows) {
    if (r.kind === ROW_TURN || r.kind === ROW_SUMMARY) ctx.fillStyle = p.turnRow;
    else if (r.kind === ROW_CALL && r.ref === o.selectedLane) ctx.fillStyle = p.selectedRow;
    else ctx.fillStyle = r.row % 2 ? p.rowAlt : p.bg;
    ctx.fillRect(0, r.y, o.width, rh);
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(g, 0, o.width - g, o.height);
  ctx.clip();
  ctx.strokeStyle = p.rule;
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  for (const x of list.rules) {
    ctx.moveTo(x + g + 0.5, 0);
    ctx.lineTo(x + g + 0.5, o.height);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  rects(ctx, list.bars.turn, p.turn, g);
  rects(ctx, list.bars.turnAlt, p.turnAlt, g);
  rects(ctx, list.bars.agent, p.agent, g);
  rects(ctx, list.bars.ok, p.ok, g);
  rects(ctx, list.bars.failed, p.failed, g);
  rects(ctx, list.bars.open, p.open, g);

  const labels = paintBarTexts(ctx, list, g, rh, p);

  markers(ctx, list.markers.commit, p.commit, g, 'diamond');
  markers(ctx, list.markers.synthetic, p.synthetic, g, 'diamond');
  markers(ctx, list.markers.timeout, p.timeout, g, 'cross');
  markers(ctx, list.markers.orphan, p.orphan, g, 'circle');
  for (const sev of ['info', 'warning', 'error'] as const) flags(ctx, list.flags[sev], p.severity[sev], g);
  paintProof(ctx, list.proof, p.proof, p.bg, g);
  if (list.playheadX !== null) {
    ctx.fillStyle = p.playhead;
    ctx.fillRect(list.playheadX + g - 1, 0, 2, o.height);
  }
  ctx.restore();
  exposeFrame(ctx.canvas, list, labels, g);

  ctx.fillStyle = p.gutter;
  ctx.fillRect(0, 0, g, o.height);
  for (const r of list.rows) {
    let label: string;
    ctx.fillStyle = p.text;
    if (r.kind === ROW_AGENT) label = `${cols.agent ?? 'agent'} · model requests`;
    else if (r.kind === ROW_TURN) {
      label = `Turn ${cols.turnNumber[r.ref]} · ${cols.turnCallCount[r.ref]} call${cols.turnCallCount[r.ref] === 1 ? '' : 's'}`;
      ctx.fillStyle = p.muted;
    } else if (r.kind === ROW_SUMMARY) {
      label = `${cols.turnCount} turns${list.ruleStride > 1 ? ` · rule every ${list.ruleStride}th` : ''}`;
      ctx.fillStyle = p.muted;
    } else if (r.kind === ROW_TRACK) label = o.trackLabel?.(r.ref) ?? '';
    else label = `  #${cols.callIndex[r.ref]} ${cols.callName[r.ref]}`;
    if (r.kind === ROW_CALL && r.ref === o.selectedLane) {
      ctx.fillStyle = p.selectedRow;
      ctx.fillRect(0, r.y, g, rh);
      ctx.fillStyle = p.text;
    }
    ctx.fillText(fitText(ctx, label, g - 10), 6, r.y + rh / 2);
  }
}

/**
 * Bar labels: the call's name and its state (`check_stock · read stock:A-1 v7`) when both fit, else
 * the name alone, cut with an ellipsis. Returns what was drawn, for the page's data attributes.
 */
function paintBarTexts(
  ctx: CanvasRenderingContext2D,
  list: DrawList,
  g: number,
  rh: number,
  p: Palette,
): string[] {
  const drawn: string[] = [];
  for (const t of list.texts) {
    let text: string;
    if (t.outside) {
      text = fitText(ctx, t.state, t.w - 8);
      ctx.fillStyle = p.text;
    } else {
      // Name and state, else the state alone (the gutter names the row), else the name cut to fit.
      const full = t.state ? `${t.name} · ${t.state}` : t.name;
      const room = t.w - 8;
      if (widthOf(ctx, full) <= room) text = full;
      else if (t.state && widthOf(ctx, t.state) <= room) text = t.state;
      else text = fitText(ctx, t.name, room);
      ctx.fillStyle = '#ffffff';
    }
    if (!text) continue;
    ctx.fillText(text, t.x + g + 4, t.y + (rh - 8) / 2);
    if (drawn.length < 60) drawn.push(text);
  }
  return drawn;
}

/**
 * What the frame shows, on the canvas element for tests and tools that cannot read pixels: the bar
 * labels drawn, the layout (expanded or packed, rows, rule stride and count), and the proof
 * arrows as `x1,y1,x2,y2,midX,midY` in canvas CSS pixels.
 */
function exposeFrame(
  canvas: HTMLCanvasElement | OffscreenCanvas,
  list: DrawList,
  labels: string[],
  g: number,
): void {
  if (!('dataset' in canvas)) return;
  canvas.dataset.barLabels = JSON.stringify(labels);
  canvas.dataset.layout = list.layout.packed ? 'packed' : 'expanded';
  canvas.dataset.rowCount = String(list.layout.rowCount);
  canvas.dataset.ruleStride = String(list.ruleStride);
  canvas.dataset.rules = String(list.rules.length);
  const pr = list.proof;
  if (!pr) {
    delete canvas.dataset.proofArrows;
    return;
  }
  const arrows: string[] = [];
  for (let i = 0, k = 0; i < pr.curves.length; i += 8, k += 2) {
    const c = pr.curves;
    const r = (v: number) => Math.round(v * 10) / 10;
    arrows.push(
      [c[i]! + g, c[i + 1]!, c[i + 6]! + g, c[i + 7]!, pr.mids[k]! + g, pr.mids[k + 1]!].map(r).join(','),
    );
  }
  canvas.dataset.proofArrows = arrows.join(';');
}

// fillText's maxWidth squeezes glyphs into an unreadable smear; cut with an ellipsis instead. Widths
// are cached per string (the font is fixed), so a frame measures each visible name once at most.
const widths = new Map<string, number>();
function widthOf(ctx: CanvasRenderingContext2D, s: string): number {
  let w = widths.get(s);
  if (w === undefined) {
    if (widths.size > 20_000) widths.clear();
    w = ctx.measureText(s).width;
    widths.set(s, w);
  }
  return w;
}

/** `text` cut to fit `maxW` pixels with a trailing ellipsis, or '' when not even one letter fits. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxW: number): string {
  if (maxW <= 0) return '';
  if (widthOf(ctx, text) <= maxW) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (widthOf(ctx, `${text.slice(0, mid)}…`) <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${text.slice(0, lo)}…`;
}

function markers(
  ctx: CanvasRenderingContext2D,
  pts: number[],
  color: string,
  dx: number,
  shape: 'diamond' | 'cross' | 'circle',
): void {
  if (pts.length === 0) return;
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let i = 0; i < pts.length; i += 2) {
    const x = pts[i]! + dx;
    const y = pts[i + 1]!;
    if (shape === 'diamond') {
      ctx.moveTo(x, y - 5);
      ctx.lineTo(x + 5, y);
      ctx.lineTo(x, y + 5);
      ctx.lineTo(x - 5, y);
      ctx.closePath();
    } else if (shape === 'cross') {
      ctx.moveTo(x - 4, y - 4);
      ctx.lineTo(x + 4, y + 4);
      ctx.moveTo(x + 4, y - 4);
      ctx.lineTo(x - 4, y + 4);
    } else {
      ctx.moveTo(x + 4, y);
      ctx.arc(x, y, 4, 0, Math.PI * 2);
    }
  }
  if (shape === 'cross') ctx.stroke();
  else ctx.fill();
}

function flags(ctx: CanvasRenderingContext2D, pts: number[], color: string, dx: number): void {
  if (pts.length === 0) return;
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let i = 0; i < pts.length; i += 2) {
    const x = pts[i]! + dx;
    const y = pts[i + 1]!;
    ctx.moveTo(x - 6, y);
    ctx.lineTo(x + 6, y);
    ctx.lineTo(x, y + 8);
    ctx.closePath();
  }
  ctx.fill();
}
