// Paints the selected anomaly's proof over the timeline: a ring around each proof event, numbered in
// happens-before order, and a curved arrow from each to the next (Perfetto's flow arrows).
import type { DrawnProof } from '../model/draw-types.ts';

export function paintProof(
  ctx: CanvasRenderingContext2D,
  proof: DrawnProof | null,
  color: string,
  halo: string,
  dx: number,
): void {
  if (!proof || proof.points.length === 0) return;
  ctx.save();
  ctx.lineCap = 'round';
  const c = proof.curves;
  for (const [width, style] of [
    [6, halo],
    [3, color],
  ] as const) {
    ctx.strokeStyle = style;
    ctx.lineWidth = width;
    ctx.beginPath();
    for (let i = 0; i < c.length; i += 8) {
      ctx.moveTo(c[i]! + dx, c[i + 1]!);
      ctx.bezierCurveTo(c[i + 2]! + dx, c[i + 3]!, c[i + 4]! + dx, c[i + 5]!, c[i + 6]! + dx, c[i + 7]!);
    }
    ctx.stroke();
  }
  // Arrowheads along each curve's end tangent (from its second control point).
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let i = 0; i < c.length; i += 8) {
    const x = c[i + 6]! + dx;
    const y = c[i + 7]!;
    let ang = Math.atan2(y - c[i + 5]!, x - (c[i + 4]! + dx));
    if (!Number.isFinite(ang)) ang = 0;
    const back = 7; // stop at the ring, not the centre
    const tx = x - Math.cos(ang) * back;
    const ty = y - Math.sin(ang) * back;
    ctx.moveTo(tx, ty);
    ctx.lineTo(tx - Math.cos(ang - 0.45) * 10, ty - Math.sin(ang - 0.45) * 10);
    ctx.lineTo(tx - Math.cos(ang + 0.45) * 10, ty - Math.sin(ang + 0.45) * 10);
    ctx.closePath();
  }
  ctx.fill();
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = color;
  ctx.font = 'bold 10px system-ui, sans-serif';
  ctx.textAlign = 'center';
  const p = proof.points;
  for (let i = 0, n = 1; i < p.length; i += 2, n++) {
    const x = p[i]! + dx;
    const y = p[i + 1]!;
    ctx.beginPath();
    ctx.arc(x, y, 7, 0, Math.PI * 2);
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(x + 9, y - 9, 6, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = halo;
    ctx.fillText(String(n), x + 9, y - 8.5);
  }
  ctx.restore();
}
