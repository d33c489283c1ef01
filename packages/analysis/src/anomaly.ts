// Anomaly types and severities exactly as the spec's table names them.
export const ANOMALY_TYPES = [
  'premature-llm-call',
  'late-commit',
  'commit-order',
  'orphaned-result',
  'stale-read',
  'rw-race',
  'ww-conflict',
  'unmatched-result',
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

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
