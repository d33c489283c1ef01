// Where the selected anomaly's proof goes on screen: a point per proof event (on its call's row, or
// the agent's for requests) and a curved arrow from each to the next, shaped like Perfetto's flow
// arrows (leaving and entering horizontally; arching over the row when both ends share it).
import type { DrawInput, DrawnProof } from './draw-types.ts';
import type { Proof } from './proof-arrows.ts';

/** The arrow from (x1, y1) to (x2, y2) as a cubic curve: its control points and its midpoint. */
export function arrowCurve(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): { curve: number[]; mid: [number, number] } {
  let c1x: number;
  let c1y: number;
  let c2x: number;
  let c2y: number;
  if (Math.abs(y2 - y1) < 1) {
    const lift = Math.min(26, 10 + Math.abs(x2 - x1) / 4);
    [c1x, c1y, c2x, c2y] = [x1, y1 - lift, x2, y2 - lift];
  } else {
    const d = Math.max(18, Math.abs(x2 - x1) / 2);
    [c1x, c1y, c2x, c2y] = [x1 + d, y1, x2 - d, y2];
  }
  const mid: [number, number] = [(x1 + 3 * c1x + 3 * c2x + x2) / 8, (y1 + 3 * c1y + 3 * c2y + y2) / 8];
  return { curve: [x1, y1, c1x, c1y, c2x, c2y, x2, y2], mid };
}

export function placeProof(
  input: DrawInput,
  proof: Proof,
  x: (ev: number) => number,
  last: number,
): DrawnProof {
  const { layout, scrollY } = input;
  const rh = layout.rowHeight;
  const out: DrawnProof = { points: [], curves: [], mids: [] };
  const at = proof.steps.map((s) => {
    if (s.ev > last) return null;
    const row = s.lane < 0 ? 0 : (layout.callRow[s.lane] ?? 0);
    return [x(s.ev), row * rh - scrollY + rh / 2] as const;
  });
  for (const p of at) if (p) out.points.push(p[0], p[1]);
  for (const a of proof.arrows) {
    const p = at[a.from];
    const q = at[a.to];
    if (!p || !q) continue;
    const { curve, mid } = arrowCurve(p[0], p[1], q[0], q[1]);
    out.curves.push(...curve);
    out.mids.push(...mid);
  }
  return out;
}
