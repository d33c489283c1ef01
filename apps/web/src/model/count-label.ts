// "1 error", "2 errors", "0 info": counts in labels read as English, not "1 errors".
const INVARIANT = new Set(['info']);

/** `n` followed by the noun, plural unless n is 1 (irregular plurals passed explicitly). */
export function countLabel(n: number, singular: string, plural = `${singular}s`): string {
  const noun = n === 1 || INVARIANT.has(singular) ? singular : plural;
  return `${n.toLocaleString('en-US')} ${noun}`;
}
