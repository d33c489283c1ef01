// What an import could not see, for every reporter of `causelane analyze`: each run's evidence notes
// (OTLP spans without tool spans, ids or messages; also in run.start meta.evidence) and warnings
// about the file as a whole (e.g. many one-span runs). Notes never change the exit code.
import type { CompactRun, TraceEvent } from '@causelane/trace-schema';

export interface ImportNotes {
  /** Per run, in plain words; runs without notes are absent. */
  evidence: Map<string, string[]>;
  warnings: string[];
}

/** The notes a run.start event carries in `meta.evidence` (strings only; anything else is ignored). */
export function evidenceOfRunStart(event: TraceEvent | undefined): string[] {
  if (event?.type !== 'run.start') return [];
  const notes = (event.meta as { evidence?: unknown } | undefined)?.evidence;
  return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string') : [];
}

/**
 * The importer's notes when it gave them, else those stored in each run's run.start (a JSONL file
 * written from an import). Compact JSONL runs keep no meta: they have none here.
 */
export function importNotesOf(input: {
  runs: Map<string, readonly TraceEvent[] | CompactRun>;
  evidence?: Map<string, string[]>;
  warnings?: string[];
}): ImportNotes {
  const evidence = new Map<string, string[]>();
  for (const [run, events] of input.runs) {
    const given = input.evidence?.get(run);
    const notes =
      given ?? (Array.isArray(events) ? evidenceOfRunStart(events.find((e) => e.type === 'run.start')) : []);
    if (notes.length > 0) evidence.set(run, notes);
  }
  return { evidence, warnings: input.warnings ?? [] };
}

export const NO_NOTES: ImportNotes = { evidence: new Map(), warnings: [] };
