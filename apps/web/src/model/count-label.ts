// "1 error", "2 errors", "0 info": counts in labels read as English, not "1 errors"; a run's
// counts by severity in the run picker.
const INVARIANT = new Set(['info']);

/** `n` followed by the noun, plural unless n is 1 (irregular plurals passed explicitly). */
export function countLabel(n: number, singular: string, plural = `${singular}s`): string {
  const noun = n === 1 || INVARIANT.has(singular) ? singular : plural;
  return `${n.toLocaleString('en-US')} ${noun}`;
}

/** A run with its anomaly counts by severity, or, before its analysis, that they are not known yet. */
export function runCountsLabel(
  run: string,
  counts: { error: number; warning: number; info: number } | undefined,
): string {
  if (!counts) return `${run} · analyzing…`;
  return `${run} · ${countLabel(counts.error, 'error')}, ${countLabel(counts.warning, 'warning')}, ${countLabel(counts.info, 'info')}`;
}
