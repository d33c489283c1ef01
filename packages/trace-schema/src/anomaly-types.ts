// The anomaly names and severities of the spec's table: the vocabulary that analysis reports, the
// SDK's scenarios promise and the collector's run list counts. No validators: safe for main threads.
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
