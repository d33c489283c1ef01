// Shapes shared by the draw-list builders: what a frame is drawn from, what it draws, and the bar
// batching that merges touching sub-pixel bars into one rectangle.
import type { Severity } from '@causelane/analysis/anomaly';
import type { LaneLayout } from './lane-layout.ts';
import type { Proof } from './proof-arrows.ts';
import type { PlacedAnomaly, TimelineColumns } from './timeline-columns.ts';
import type { TimeWindow, XMode } from './viewport.ts';

/** The selected anomaly's proof on screen, in lane coordinates (x from the lanes' left edge). */
export interface DrawnProof {
  /** x, y of each emphasised event, in happens-before order. */
  points: number[];
  /** One cubic curve per arrow: x1, y1, c1x, c1y, c2x, c2y, x2, y2. */
  curves: number[];
  /** x, y of each curve's midpoint, where its stroke surely is (for pixel checks). */
  mids: number[];
}

export type BarStyle = 'ok' | 'failed' | 'open' | 'agent' | 'turn' | 'turnAlt';
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
  /** The selected anomaly's proof, drawn as emphasised events joined by arrows. */
  proof?: Proof | null;
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
  /** x of each `llm.request` rule, deduplicated per pixel and thinned out by zoom. */
  rules: number[];
  /** Every `ruleStride`-th turn has a rule (1: every request). */
  ruleStride: number;
  flags: Record<Severity, number[]>;
  flagHits: { x: number; y: number; id: number }[];
  /** Labels on bars wide enough to hold them: a call's name and, if it has room, its state. */
  texts: BarText[];
  rows: RowLabel[];
  playheadX: number | null;
  proof: DrawnProof | null;
  /** The layout and scroll this frame was drawn with, for hit-testing it. */
  layout: LaneLayout;
  scrollY: number;
}

export interface BarText {
  x: number;
  y: number;
  w: number;
  /** Call lane, or -1 for a turn's label on the summary row. */
  lane: number;
  /** The name (or `turn N`), and what the call read and wrote (`read stock:A-1 v7`) or ''. */
  name: string;
  state: string;
  /** Drawn beside its bar (in the call's own row) rather than on it. */
  outside?: boolean;
}

/** Adds a bar, merging it into the previous one of the same batch when both are sub-pixel and touch. */
export function pushBar(batch: number[], x0: number, x1: number, y: number, h: number): void {
  const w = x1 - x0;
  const n = batch.length;
  if (w < 1 && n >= 4 && batch[n - 3] === y) {
    const px = batch[n - 4]!;
    const pw = batch[n - 2]!;
    // A run of touching sub-pixel bars grows one rectangle, however long the run gets.
    if (x0 <= px + pw + 1 && x0 >= px) {
      batch[n - 2] = Math.max(pw, x1 - px);
      return;
    }
  }
  batch.push(x0, y, Math.max(w, 1), h);
}
