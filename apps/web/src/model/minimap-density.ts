// Overview of a whole run for the minimap: events per pixel column, and where anomalies sit.
import type { PlacedAnomaly, TimelineColumns } from './timeline-columns.ts';
import { positionOf, type TimeWindow, type XMode, xOf } from './viewport.ts';

export interface MinimapDensity {
  /** Events per column, normalised to 0..1 by the busiest column. */
  columns: Float32Array;
  /** Column of each anomaly's first proof event, with its severity. */
  anomalies: { col: number; severity: PlacedAnomaly['severity'] }[];
}

export function minimapDensity(
  cols: TimelineColumns,
  mode: XMode,
  bounds: TimeWindow,
  width: number,
): MinimapDensity {
  const w = Math.max(1, Math.floor(width));
  const counts = new Float32Array(w);
  for (let i = 0; i < cols.eventCount; i++) {
    const c = Math.min(w - 1, Math.max(0, Math.floor(xOf(positionOf(cols, mode, i), bounds, w))));
    counts[c]!++;
  }
  let max = 0;
  for (const v of counts) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < w; i++) counts[i] = counts[i]! / max;
  const anomalies = cols.anomalies
    .filter((a) => a.evs.some((e) => e >= 0))
    .map((a) => ({
      col: Math.floor(xOf(positionOf(cols, mode, a.evs.find((e) => e >= 0)!), bounds, w)),
      severity: a.severity,
    }));
  return { columns: counts, anomalies };
}
