// Filtering and counting for the anomaly panel. The chips include what is picked, as DevTools' level
// checkboxes do: nothing picked shows everything, picking "error" shows only errors.
import type { AnomalyType, Severity } from '@causelane/analysis/anomaly';
import type { PlacedAnomaly } from './timeline-columns.ts';

export interface AnomalyFilter {
  /** Types and severities picked; an empty list does not narrow. */
  types: readonly AnomalyType[];
  severities: readonly Severity[];
}

export const NO_FILTER: AnomalyFilter = { types: [], severities: [] };

export function isFiltering(f: AnomalyFilter): boolean {
  return f.types.length > 0 || f.severities.length > 0;
}

export function filterAnomalies(list: readonly PlacedAnomaly[], f: AnomalyFilter): PlacedAnomaly[] {
  if (!isFiltering(f)) return list as PlacedAnomaly[];
  return list.filter(
    (a) =>
      (f.types.length === 0 || f.types.includes(a.type)) &&
      (f.severities.length === 0 || f.severities.includes(a.severity)),
  );
}

/** The filter after a click on a chip: picks it, or unpicks it when it was picked. */
export function toggleChip(
  f: AnomalyFilter,
  chip: { type: AnomalyType } | { severity: Severity },
): AnomalyFilter {
  const flip = <T>(list: readonly T[], v: T) =>
    list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
  return 'type' in chip
    ? { ...f, types: flip(f.types, chip.type) }
    : { ...f, severities: flip(f.severities, chip.severity) };
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
