// Geometry of the happens-before view, pure so it is tested: a label gutter on the left (one line
// per row, listing that row's events), column labels slanted in a header above the process lines,
// nodes and edges only right of the gutter and below the header, so no label ever crosses a line.
// The whole drawing is scaled into the panel's box (an SVG viewBox), never below a legible size.
import type { HbDiagram } from './happens-before-types.ts';

export const HB_FONT = 11;
/** Average advance of a character at HB_FONT px (system-ui); labels are cut to what fits. */
export const HB_CHAR_W = 6.4;
export const HB_ROW_H = 26;
export const HB_GUTTER = 184;
const HEADER_ANGLE = (40 * Math.PI) / 180;
const MAX_COL_CHARS = 18;
/** Below this scale text gets too small: the drawing scrolls instead of shrinking further. */
export const HB_MIN_SCALE = 0.74;

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface HbLayout {
  /** Size of the drawing in its own units (the viewBox), and the scale it is shown at. */
  width: number;
  height: number;
  scale: number;
  /** Where process lines start (below the header) and end. */
  top: number;
  bottom: number;
  colX: number[];
  colLabels: { x: number; y: number; text: string; box: Box }[];
  rowY: number[];
  rowLabels: { x: number; y: number; text: string; box: Box }[];
  nodes: Map<string, { x: number; y: number }>;
  /** Every straight line drawn: process lines and edges. */
  lines: { x1: number; y1: number; x2: number; y2: number }[];
}

function cut(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

/**
 * One gutter line per row, what first so a cut keeps it: `tool.end · restock #1 · seq 5`, or
 * `tool.start ×12 · seq 3–14` when several share the row.
 */
export function rowLabelText(hb: HbDiagram, row: number): string {
  const here = hb.nodes.filter((n) => n.row === row).sort((a, b) => a.seq - b.seq);
  if (here.length === 0) return '';
  if (here.length === 1) {
    const n = here[0]!;
    const who = n.col === 0 ? '' : ` · ${hb.columns[n.col]?.label ?? ''}`;
    return `${n.label}${who} · seq ${n.seq}`;
  }
  const kinds = new Map<string, number>();
  for (const n of here) kinds.set(n.label, (kinds.get(n.label) ?? 0) + 1);
  const what = [...kinds].map(([label, k]) => (k > 1 ? `${label} ×${k}` : label)).join(', ');
  return `${what} · seq ${here[0]!.seq}–${here[here.length - 1]!.seq}`;
}

export function layoutHb(hb: HbDiagram, box: { width: number; height: number }): HbLayout {
  const n = Math.max(1, hb.columns.length);
  const rows = Math.max(1, ...hb.nodes.map((x) => x.row + 1));
  const labels = hb.columns.map((c) => cut(c.label, MAX_COL_CHARS));
  const longest = Math.max(0, ...labels.map((l) => l.length)) * HB_CHAR_W;
  const rise = longest * Math.sin(HEADER_ANGLE);
  const run = longest * Math.cos(HEADER_ANGLE);
  const top = Math.ceil(rise + HB_FONT + 14);
  // Columns as wide as the box allows (40..130 units); the slanted last label needs room on the right.
  const fit = (box.width / HB_MIN_SCALE - HB_GUTTER - run) / n;
  const colW = Math.max(40, Math.min(130, fit));
  const margin = Math.max(10, run - colW / 2 + 8);
  const width = Math.ceil(HB_GUTTER + n * colW + margin);
  const height = top + rows * HB_ROW_H + 10;
  const scale = Math.max(HB_MIN_SCALE, Math.min(1, box.width / width, box.height / height));
  const colX = hb.columns.map((_, i) => HB_GUTTER + i * colW + colW / 2);
  const rowY = Array.from({ length: rows }, (_, r) => top + r * HB_ROW_H + HB_ROW_H / 2);
  const colLabels = labels.map((text, i) => {
    const x = colX[i]!;
    const y = top - 10;
    const len = text.length * HB_CHAR_W;
    const bx = {
      x0: x - 2,
      y0: y - len * Math.sin(HEADER_ANGLE) - HB_FONT,
      x1: x + len * Math.cos(HEADER_ANGLE) + HB_FONT,
      y1: y + 3,
    };
    return { x, y, text, box: bx };
  });
  const chars = Math.floor((HB_GUTTER - 16) / HB_CHAR_W);
  const rowLabels = rowY.map((y, r) => {
    const text = cut(rowLabelText(hb, r), chars);
    return {
      x: 6,
      y: y + HB_FONT / 3,
      text,
      box: { x0: 6, y0: y - HB_FONT / 2 - 2, x1: 6 + text.length * HB_CHAR_W, y1: y + HB_FONT / 2 + 2 },
    };
  });
  const nodes = new Map(hb.nodes.map((x) => [x.id, { x: colX[x.col]!, y: rowY[x.row]! }]));
  const bottom = height - 4;
  const lines = colX.map((x) => ({ x1: x, y1: top - 4, x2: x, y2: bottom }));
  for (const e of hb.edges) {
    const a = nodes.get(e.from);
    const b = nodes.get(e.to);
    if (a && b && a !== b) lines.push({ x1: a.x, y1: a.y, x2: b.x, y2: b.y });
  }
  return { width, height, scale, top, bottom, colX, colLabels, rowY, rowLabels, nodes, lines };
}

/** Whether segment (x1,y1)-(x2,y2) crosses box `b` (Liang–Barsky clipping). */
export function segmentHitsBox(l: HbLayout['lines'][number], b: Box): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = l.x2 - l.x1;
  const dy = l.y2 - l.y1;
  const edges: [number, number][] = [
    [-dx, l.x1 - b.x0],
    [dx, b.x1 - l.x1],
    [-dy, l.y1 - b.y0],
    [dy, b.y1 - l.y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}
