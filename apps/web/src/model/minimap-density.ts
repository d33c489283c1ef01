// Overview of a whole run for the minimap: events per pixel column, and per column the most severe
// anomaly whose proof starts there (so an error is never hidden under an info in the same pixel).
import type { PlacedAnomaly, TimelineColumns } from './timeline-columns.ts';
import { positionOf, type TimeWindow, type XMode, xOf } from './viewport.ts';

/** Severity ranks stored per column: 0 is none. */
export const SEVERITY_RANK = { info: 1, warning: 2, error: 3 } as const;
export const RANK_SEVERITY = [null, 'info', 'warning', 'error'] as const;

export interface MinimapDensity {
  /** Events per column, normalised to 0..1 by the busiest column. */
  columns: Float32Array;
  /** Most severe anomaly per column (SEVERITY_RANK), 0 where there is none. */
  anomalyRank: Uint8Array;
  /** How many anomalies start in each column. */
  anomalyCount: Uint32Array;
}

export function minimapDensity(
  cols: TimelineColumns,
  mode: XMode,
  bounds: TimeWindow,
  width: number,
  anomalies: readonly PlacedAnomaly[] = cols.anomalies,
): MinimapDensity {
  const w = Math.max(1, Math.floor(width));
  const col = (i: number) =>
    Math.min(w - 1, Math.max(0, Math.floor(xOf(positionOf(cols, mode, i), bounds, w))));
  const counts = new Float32Array(w);
  for (let i = 0; i < cols.eventCount; i++) counts[col(i)]!++;
  let max = 0;
  for (const v of counts) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < w; i++) counts[i] = counts[i]! / max;
  const anomalyRank = new Uint8Array(w);
  const anomalyCount = new Uint32Array(w);
  for (const a of anomalies) {
    const ev = a.evs.find((e) => e >= 0);
    if (ev === undefined) continue;
    const c = col(ev);
    anomalyCount[c]!++;
    anomalyRank[c] = Math.max(anomalyRank[c]!, SEVERITY_RANK[a.severity]);
  }
  return { columns: counts, anomalyRank, anomalyCount };
}

/** Column of the anomaly nearest to column `c` within `slop` columns, or -1 (clicks on the strip). */
export function nearestAnomalyColumn(d: MinimapDensity, c: number, slop = 4): number {
  for (let k = 0; k <= slop; k++) {
    if (d.anomalyRank[c - k]) return c - k;
    if (d.anomalyRank[c + k]) return c + k;
  }
  return -1;
}
