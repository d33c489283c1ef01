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

/**
 * Scratch arrays for orderEvents, grown as needed and reused: a file of thousands of small runs
 * would otherwise allocate six typed arrays (each its own buffer) per run.
 */
let cap = 0;
let time = new Float64Array(0);
let rank = new Float64Array(0);
let indegree = new Int32Array(0);
let first = new Int32Array(1);
let fill = new Int32Array(0);
let next = new Int32Array(0);

/** Above this many events, the scratch arrays are released after use. */
const KEEP = 1 << 16;

/** Room for `n` events; -1 releases the arrays. */
function reserve(n: number): void {
  if (n >= 0 && n <= cap) return;
  cap = n < 0 ? 0 : Math.max(n, cap * 2, 64);
  if (n < 0) next = new Int32Array(0);
  time = new Float64Array(cap);
  rank = new Float64Array(cap);
  indegree = new Int32Array(cap);
  first = new Int32Array(cap + 1);
  fill = new Int32Array(cap);
}

/** Kahn's algorithm with a min-heap on (t, tie rank, input index). */
export function orderEvents(run: string, pending: readonly PendingEvent[]): TraceEvent[] {
  const n = pending.length;
  reserve(n);
  // The heap's keys and the edges in flat arrays (successors of i at next[first[i]..first[i+1]]):
  // the comparison reads two numbers, not two events' bodies.
  first.fill(0, 0, n + 1);
  for (let i = 0; i < n; i++) {
    const p = pending[i]!;
    time[i] = p.t;
    rank[i] = TIE_RANK[p.body.type]!;
    indegree[i] = p.after.length;
    for (const a of p.after) first[a + 1]!++;
  }
  for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
  if (next.length < first[n]!) next = new Int32Array(Math.max(first[n]!, next.length * 2));
  fill.set(first.subarray(0, n));
  for (let i = 0; i < n; i++) for (const a of pending[i]!.after) next[fill[a]!++] = i;
  const heap = new TinyQueue<number>([], (x, y) => time[x]! - time[y]! || rank[x]! - rank[y]! || x - y);
  for (let i = 0; i < n; i++) if (indegree[i] === 0) heap.push(i);
  const out: TraceEvent[] = [];
  while (heap.length > 0) {
    const i = heap.pop()!;
    const p = pending[i]!;
    // Object.assign, not a spread: the same keys in the same order (bodies are plain objects built
    // here, never with a `__proto__` key), and faster on the many body shapes.
    const event = Object.assign({ v: VERSION, run, seq: out.length, t: p.t }, p.body) as TraceEvent;
    const res = validateEvent(event);
    // Importers build events from checked values; a failure here is a bug, reported like bad input.
    if (!res.ok)
      throw new ImportError(
        `run ${JSON.stringify(run)} event ${out.length}`,
        `${res.error.field}: ${res.error.message}`,
      );
    out.push(event);
    for (let e = first[i]!; e < first[i + 1]!; e++) {
      const j = next[e]!;
      if (--indegree[j]! === 0) heap.push(j);
    }
  }
  // Keep small scratch arrays for the next run; let a big run's go.
  if (cap > KEEP) reserve(-1);
  if (out.length !== n)
    throw new ImportError(`run ${JSON.stringify(run)}`, 'the spans imply a cycle in happens-before');
  return out;
}
