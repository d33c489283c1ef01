// Search over a run's calls: tool names, call ids, arguments, results and errors. The worker builds
// one lower-cased text per call lane on the first search of a run (one pass over the events, each
// line parsed at most once), then answers every query with a scan of those texts, so a 1M-event
// trace is searched without the main thread ever holding its payloads.
import { EVENT_CODES, type TimelineColumns } from './timeline-columns.ts';

/** Gives the full event at index `i` (parsed from its line for a loaded file), or undefined. */
export type EventAt = (i: number) => unknown;

const SEP = '\u0000';

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

/** Events between two calls of `pause` while the texts are built. */
const CHUNK = 20_000;

/**
 * One searchable text per call lane. `pause` is awaited every CHUNK events, so the worker can answer
 * other requests (call details for a hover card, a live update) while a large run is indexed.
 */
export async function buildCallTexts(
  cols: TimelineColumns,
  eventAt: EventAt,
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<string[]> {
  const laneOf = new Map<string, number>();
  for (let c = 0; c < cols.callCount; c++) laneOf.set(`${cols.callTurn[c]}${SEP}${cols.callId[c]}`, c);
  const args: string[] = new Array(cols.callCount).fill('');
  const outcome: string[] = new Array(cols.callCount).fill('');
  const response = EVENT_CODES['llm.response'];
  for (let i = 0; i < cols.eventCount; i++) {
    if (i > 0 && i % CHUNK === 0) await pause();
    const type = cols.type[i]!;
    if (type === response) {
      const ev = eventAt(i) as { turn?: number; calls?: { id?: string; args?: unknown }[] } | undefined;
      for (const spec of ev?.calls ?? []) {
        const lane = laneOf.get(`${ev?.turn}${SEP}${spec.id}`);
        if (lane !== undefined) args[lane] = text(spec.args);
      }
    } else {
      const lane = cols.lane[i]!;
      if (lane < 0 || cols.callEnd[lane] !== i) continue;
      const ev = eventAt(i) as { result?: unknown; error?: unknown } | undefined;
      outcome[lane] = `${text(ev?.result)}${SEP}${text(ev?.error)}`;
    }
  }
  const out: string[] = new Array(cols.callCount);
  for (let c = 0; c < cols.callCount; c++)
    out[c] = `${cols.callName[c]}${SEP}${cols.callId[c]}${SEP}${args[c]}${SEP}${outcome[c]}`.toLowerCase();
  return out;
}

/** Lanes whose text holds `query` (case-insensitive), ordered by when the call started. */
export function searchCalls(cols: TimelineColumns, texts: readonly string[], query: string): Int32Array {
  const q = query.trim().toLowerCase();
  if (q === '') return new Int32Array(0);
  const hits: number[] = [];
  for (let c = 0; c < texts.length; c++) if (texts[c]!.includes(q)) hits.push(c);
  const at = (c: number) => {
    const s = cols.callStart[c]!;
    return s >= 0 ? s : cols.callListed[c]!;
  };
  hits.sort((a, b) => at(a) - at(b) || a - b);
  return Int32Array.from(hits);
}
