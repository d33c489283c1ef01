// "Is this the same event?" for two raw JSONL lines: the one answer the CLI, the web app's worker
// and the collector give when a (run, seq) arrives twice. Key order and spacing do not matter.
import { deepEqual } from './deep-equal.ts';

/** Whether two lines hold equal JSON values; a missing or unparsable line is never the same. */
export function sameEventLine(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (a === b) return true;
  try {
    return deepEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return false;
  }
}
