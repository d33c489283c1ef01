// Turns importer output (events with wall-clock times and explicit happens-before edges) into
// format-v1 events with seq: a topological order that follows time wherever the edges allow, so
// clock skew between spans never puts a commit before its tool.end or a request before its commits.
import { type EventBody, type TraceEvent, VERSION, validateEvent } from '@causelane/trace-schema';
import TinyQueue from 'tinyqueue';
import { ImportError } from './import-error.ts';

export interface PendingEvent {
  body: EventBody;
  t: number;
  /** Indices (into the same array) of events that must come first. */
  after: number[];
}

/** Among events at the same time with no edge between them, this order is the least surprising. */
const TIE_RANK: Record<string, number> = {
  'run.start': 0,
  'tool.end': 1,
  'tool.commit': 2,
  'tool.orphan': 3,
  'tool.timeout': 4,
  'llm.request': 5,
  'llm.response': 6,
  'tool.start': 7,
  'state.read': 8,
  'state.write': 8,
  'run.end': 9,
};

function cmp(a: PendingEvent, ai: number, b: PendingEvent, bi: number): number {
  return a.t - b.t || TIE_RANK[a.body.type]! - TIE_RANK[b.body.type]! || ai - bi;
}

/** Kahn's algorithm with a min-heap on (t, tie rank, input index). */
export function orderEvents(run: string, pending: readonly PendingEvent[]): TraceEvent[] {
  const n = pending.length;
  const indegree = new Int32Array(n);
  const next: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (const p of pending[i]!.after) {
      indegree[i]!++;
      next[p]!.push(i);
    }
  }
  const heap = new TinyQueue<number>([], (x, y) => cmp(pending[x]!, x, pending[y]!, y));
  for (let i = 0; i < n; i++) if (indegree[i] === 0) heap.push(i);
  const out: TraceEvent[] = [];
  while (heap.length > 0) {
    const i = heap.pop()!;
    const p = pending[i]!;
    const event = { v: VERSION, run, seq: out.length, t: p.t, ...p.body } as TraceEvent;
    const res = validateEvent(event);
    // Importers build events from checked values; a failure here is a bug, reported like bad input.
    if (!res.ok)
      throw new ImportError(
        `run ${JSON.stringify(run)} event ${out.length}`,
        `${res.error.field}: ${res.error.message}`,
      );
    out.push(event);
    for (const j of next[i]!) if (--indegree[j]! === 0) heap.push(j);
  }
  if (out.length !== n)
    throw new ImportError(`run ${JSON.stringify(run)}`, 'the spans imply a cycle in happens-before');
  return out;
}
