// Filtering and counting for the anomaly panel.
import type { AnomalyType, Severity } from '@causelane/analysis/anomaly';
import type { PlacedAnomaly } from './timeline-columns.ts';

export interface AnomalyFilter {
  /** Hidden types and severities (empty shows everything). */
  hiddenTypes: readonly AnomalyType[];
  hiddenSeverities: readonly Severity[];
}

export const NO_FILTER: AnomalyFilter = { hiddenTypes: [], hiddenSeverities: [] };

export function filterAnomalies(list: readonly PlacedAnomaly[], f: AnomalyFilter): PlacedAnomaly[] {
  if (f.hiddenTypes.length === 0 && f.hiddenSeverities.length === 0) return list as PlacedAnomaly[];
  return list.filter((a) => !f.hiddenTypes.includes(a.type) && !f.hiddenSeverities.includes(a.severity));
}

export function countBySeverity(list: readonly { severity: Severity }[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const a of list) out[a.severity]++;
  return out;
}

export function countByType(list: readonly { type: AnomalyType }[]): Map<AnomalyType, number> {
  const out = new Map<AnomalyType, number>();
  for (const a of list) out.set(a.type, (out.get(a.type) ?? 0) + 1);
  return out;
}
