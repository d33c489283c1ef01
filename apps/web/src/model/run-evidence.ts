// What a run's trace could not show (no tool spans, no call ids, no messages), as importers write it
// in run.start's `meta.evidence`: read from a live run's events or a loaded file's run.start line.
// Plain strings for the UI to show as text, never as HTML.
import type { TraceEvent } from '@causelane/trace-schema';
import { EVENT_CODES, type TimelineColumns } from './timeline-columns.ts';

const MAX_NOTES = 20;
const MAX_NOTE_LENGTH = 500;

/** The notes of a run.start event (or its parsed line); anything but a list of strings gives none. */
export function evidenceOfRunStart(event: unknown): string[] {
  if (typeof event !== 'object' || event === null) return [];
  const e = event as { type?: unknown; meta?: unknown };
  if (e.type !== 'run.start' || typeof e.meta !== 'object' || e.meta === null) return [];
  const notes = (e.meta as { evidence?: unknown }).evidence;
  if (!Array.isArray(notes)) return [];
  return notes
    .filter((n): n is string => typeof n === 'string' && n.trim() !== '')
    .slice(0, MAX_NOTES)
    .map((n) => (n.length > MAX_NOTE_LENGTH ? `${n.slice(0, MAX_NOTE_LENGTH - 1)}…` : n));
}

/** The notes of the first run.start among a run's events. */
export function evidenceOfEvents(events: readonly TraceEvent[]): string[] {
  return evidenceOfRunStart(events.find((e) => e.type === 'run.start'));
}

/** The notes on a loaded file's run.start line (the columns keep no meta); none if it is not JSON. */
export function evidenceOfLine(line: string | null): string[] {
  if (line === null) return [];
  try {
    return evidenceOfRunStart(JSON.parse(line));
  } catch {
    return [];
  }
}

/** The notes of a loaded file's run: its run.start event's line, by event index. */
export function evidenceOfFile(
  cols: Pick<TimelineColumns, 'type'>,
  lineOfEvent: (index: number) => string | null,
): string[] {
  const i = cols.type.indexOf(EVENT_CODES['run.start']);
  return i < 0 ? [] : evidenceOfLine(lineOfEvent(i));
}
