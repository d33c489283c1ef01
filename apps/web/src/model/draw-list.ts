// What one frame of the swimlane canvas shows, as flat coordinate batches grouped by style, so the
// painter draws in a few passes by colour. Only visible rows and the visible window are visited;
// bars narrower than a pixel that touch are merged into one rectangle. Packed rows (long runs at
// low zoom) are drawn by draw-packed.ts, the selected anomaly's proof arrows by draw-proof.ts.
import { drawFlags } from './draw-flags.ts';
import { drawPackedTrack, drawTurnSummary, firstTurnAt } from './draw-packed.ts';
import { placeProof } from './draw-proof.ts';
import {
  type BarStyle,
  type BarText,
  type DrawInput,
  type DrawList,
  type MarkerKind,
  pushBar,
  type RowLabel,
} from './draw-types.ts';
import { ROW_AGENT, ROW_CALL, ROW_SUMMARY, ROW_TRACK, ROW_TURN, visibleRows } from './lane-layout.ts';
import { callStateOps, stateSummary } from './state-ops.ts';
import { CALL_FAILED, CALL_SYNTHETIC } from './timeline-columns.ts';
import { turnRules } from './turn-rules.ts';
import { positionOf, xOf } from './viewport.ts';

export type { BarStyle, BarText, DrawInput, DrawList, MarkerKind, RowLabel };

export function buildDrawList(input: DrawInput): DrawList {
  const { cols, layout, win, mode, width, height, scrollY } = input;
  const last = input.playhead ?? cols.eventCount - 1;
  const out: DrawList = {
    bars: { ok: [], failed: [], open: [], agent: [], turn: [], turnAlt: [] },
    markers: { commit: [], synthetic: [], timeout: [], orphan: [] },
    rules: [],
    ruleStride: 1,
    flags: { error: [], warning: [], info: [] },
    flagHits: [],
    texts: [],
    rows: [],
    playheadX: input.playhead === null ? null : xOf(positionOf(cols, mode, last), win, width),
    proof: null,
    layout,
    scrollY,
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
    } else if (kind === ROW_SUMMARY) {
      drawTurnSummary(input, out, x, y + 4, barH, last, endX);
    } else if (kind === ROW_TRACK && layout.packed) {
      drawPackedTrack(input, out, layout.packed, layout.rowRef[r]!, y + 3, rh - 6, last, endX);
    }
  }

  const rules = turnRules(cols, mode, win, width, last);
  out.rules = rules.xs;
  out.ruleStride = rules.stride;

  drawFlags(input, out, x, last, r0, r1);
  if (input.proof) out.proof = placeProof(input, input.proof, x, last);
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
  const { cols, width } = input;
  for (let ti = Math.max(0, firstTurnAt(cols, x, 0, -2) - 1); ti < cols.turnCount; ti++) {
    const rq = cols.turnRequest[ti]!;
    if (rq < 0 || rq > last) continue;
    const x0 = x(rq);
    if (x0 > width + 2) break;
    const rs = cols.turnResponse[ti]!;
    const x1 = rs >= 0 && rs <= last ? x(rs) : endX;
    if (vis(x0, x1)) pushBar(out.bars.agent, x0, x1, y, h);
    // Turns that start inside this pixel add nothing to it: continue from the last of them.
    if (x1 - x0 < 1) ti = Math.max(ti, firstTurnAt(cols, x, ti + 1, Math.floor(Math.max(x0, x1)) + 1) - 2);
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
      const state = stateSummary(callStateOps(cols, c));
      if (cw > 40) out.texts.push({ x: cx0, y: y + 4, w: cw, lane: c, name: cols.callName[c]!, state });
      else if (state) {
        // Too narrow to hold its state: the row is the call's own, so it goes right of the bar and
        // of the call's last marker.
        let after = x1;
        for (const ev of [cols.callCommit[c]!, cols.callTimeout[c]!, cols.callOrphan[c]!])
          if (ev >= 0 && ev <= last) after = Math.max(after, x(ev));
        const tx = Math.max(0, after + 8);
        if (tx < width - 40)
          out.texts.push({ x: tx, y: y + 4, w: width - tx, lane: c, name: '', state, outside: true });
      }
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
