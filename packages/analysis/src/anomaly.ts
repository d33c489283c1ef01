// What analysis reports: one anomaly, with the spec's type and severity names (defined once in
// trace-schema's light `protocol` entry, so this module stays fit for the web app's main thread).
import type { AnomalyType, Severity } from '@causelane/trace-schema/protocol';

export { ANOMALY_TYPES, type AnomalyType, SEVERITIES, type Severity } from '@causelane/trace-schema/protocol';

export interface Anomaly {
  type: AnomalyType;
  severity: Severity;
  run: string;
  turn: number;
  /** The call it is about, or null for a whole turn. */
  call: string | null;
  /** The events that prove it, ascending. */
  seqs: number[];
  message: string;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Compact identity used by the public examples' expect files: `run|type|severity|turn|call`. */
export function anomalyKey(a: Anomaly): string {
  return `${a.run}|${a.type}|${a.severity}|${a.turn}|${a.call ?? ''}`;
}
