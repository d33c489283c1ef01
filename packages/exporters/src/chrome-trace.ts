// Format v1 to Chrome Trace Event Format JSON (opens in Perfetto UI and chrome://tracing): one
// process per run, turns as complete slices with the model call nested inside, tool calls as
// complete slices packed onto lane threads, flow events (arrows) from each call to the model request
// that consumed its result, and anomalies as instant events. Linear in events and streamed.
import {
  type Anomaly,
  buildRunModel,
  type CallModel,
  EXPLANATIONS,
  type RunModel,
} from '@causelane/analysis';
import type { EventColumns, TraceEvent } from '@causelane/trace-schema';
import type { ChromeTrace, ChromeTraceEvent } from './chrome-trace-event.ts';
import { callFlows } from './chrome-trace-flows.ts';
import { CALLS_TID, packCallLanes, seqTimes, TURNS_TID } from './chrome-trace-layout.ts';

export type { ChromeTrace, ChromeTraceEvent };
export { CALLS_TID, TURNS_TID };

/** One run to export. `payloadOf` supplies args and error when the model's source dropped them. */
export interface ChromeTraceRun {
  model: RunModel;
  payloadOf?: (call: CallModel) => { args?: unknown; error?: string | null };
}

export interface ChromeTraceOptions {
  /** Trace events per yielded chunk of JSON text. */
  chunkEvents?: number;
  /** Called after each chunk with the events handled so far and the runs' total. */
  onProgress?: (done: number, total: number) => void;
}

/** The runs of `events` (one run's events sorted by seq each) as export input. */
export function chromeTraceRuns(
  runs: ReadonlyMap<string, readonly TraceEvent[] | EventColumns>,
): ChromeTraceRun[] {
  return [...runs].map(([run, events]) => ({ model: buildRunModel(run, events) }));
}

/** The trace as one object (small traces, tests); chromeTraceJson streams the same events. */
export function toChromeTrace(
  runs: ReadonlyMap<string, readonly TraceEvent[] | EventColumns> | readonly ChromeTraceRun[],
  anomalies: readonly Anomaly[] = [],
): ChromeTrace {
  const input = Array.isArray(runs)
    ? (runs as readonly ChromeTraceRun[])
    : chromeTraceRuns(runs as ReadonlyMap<string, readonly TraceEvent[] | EventColumns>);
  const t0 = epochOf(input);
  const flows = { id: 0 };
  const traceEvents: ChromeTraceEvent[] = [];
  input.forEach((r, k) => {
    for (const e of runEvents(r, k + 1, anomalies, t0, flows, () => undefined)) traceEvents.push(e);
  });
  return { traceEvents, displayTimeUnit: 'ms', otherData: otherData(t0) };
}

/**
 * The trace as JSON text in chunks of about `chunkEvents` events, so a million-event run never
 * becomes one giant array or string. Joined, the chunks parse to what toChromeTrace returns.
 */
export function* chromeTraceJson(
  runs: readonly ChromeTraceRun[],
  anomalies: readonly Anomaly[] = [],
  options: ChromeTraceOptions = {},
): Generator<string, void, undefined> {
  const chunk = Math.max(1, options.chunkEvents ?? 5000);
  const total = runs.reduce((n, r) => n + r.model.source.length, 0);
  const t0 = epochOf(runs);
  const flows = { id: 0 };
  let before = 0;
  let done = 0;
  let parts: string[] = [];
  let first = true;
  yield '{"traceEvents":[\n';
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k]!;
    const report = (handled: number) => {
      done = before + handled;
    };
    for (const e of runEvents(r, k + 1, anomalies, t0, flows, report)) {
      parts.push(JSON.stringify(e));
      if (parts.length >= chunk) {
        yield `${first ? '' : ',\n'}${parts.join(',\n')}`;
        first = false;
        parts = [];
        options.onProgress?.(done, total);
      }
    }
    before += r.model.source.length;
  }
  if (parts.length > 0) yield `${first ? '' : ',\n'}${parts.join(',\n')}`;
  options.onProgress?.(total, total);
  yield `\n],"displayTimeUnit":"ms","otherData":${JSON.stringify(otherData(t0))}}\n`;
}

function epochOf(runs: readonly ChromeTraceRun[]): number {
  let t0 = Number.POSITIVE_INFINITY;
  for (const r of runs) if (r.model.startT !== undefined && r.model.startT < t0) t0 = r.model.startT;
  return Number.isFinite(t0) ? t0 : 0;
}

function otherData(t0: number): Record<string, string | number> {
  return { generator: 'causelane', format: 'trace-event', epochMs: t0 };
}

/** Every trace event of one run; `handled(n)` reports how many of its source events are behind us. */
function* runEvents(
  r: ChromeTraceRun,
  pid: number,
  anomalies: readonly Anomaly[],
  t0: number,
  flows: { id: number },
  handled: (n: number) => void,
): Generator<ChromeTraceEvent> {
  const m = r.model;
  const us = (t: number) => Math.round((t - t0) * 1e6) / 1e3;
  const tOf = seqTimes(m.source);
  const lastT = m.endT ?? t0;
  const n = m.source.length;
  yield* metadata(m, pid);

  // Turns in number order; each ends where the next one with a known start begins (one backward pass).
  const turns = [...m.turns].sort((a, b) => a.turn - b.turn);
  const starts = turns.map((tm) => tOf(tm.requestSeq) ?? tOf(tm.responseSeq));
  const ends = new Array<number>(turns.length);
  let next = lastT;
  for (let k = turns.length - 1; k >= 0; k--) {
    ends[k] = next;
    if (starts[k] !== undefined) next = starts[k]!;
  }
  /** Start of the model slice (the request) of each turn, by turn number, for flow ends. */
  const modelSlice = new Map<number, { ts: number; dur: number }>();
  for (let k = 0; k < turns.length; k++) {
    const turn = turns[k]!;
    const start = starts[k];
    if (start === undefined) continue;
    const end = Math.max(start, ends[k]!);
    yield {
      ph: 'X',
      name: `turn ${turn.turn}`,
      cat: 'turn',
      pid,
      tid: TURNS_TID,
      ts: us(start),
      dur: us(end) - us(start),
      args: { turn: turn.turn, calls: turn.calls.map((c) => c.id) },
    };
    const answered = tOf(turn.responseSeq);
    if (turn.requestSeq !== undefined && answered !== undefined) {
      const modelEnd = Math.min(Math.max(answered, start), end);
      const slice = { ts: us(start), dur: us(modelEnd) - us(start) };
      modelSlice.set(turn.turn, slice);
      yield { ph: 'X', name: 'model', cat: 'llm', pid, tid: TURNS_TID, ...slice, args: { turn: turn.turn } };
    } else modelSlice.set(turn.turn, { ts: us(start), dur: us(end) - us(start) });
    if (k % 1024 === 0) handled(Math.floor((k / turns.length) * n * 0.3));
  }

  // Tool calls: complete slices, first-fit packed so slices on one thread never overlap.
  const { placed, lanes } = packCallLanes(m.calls, tOf, lastT);
  for (let lane = 0; lane < lanes; lane++) {
    const tid = CALLS_TID + lane;
    const name = lane === 0 ? 'tool calls' : `tool calls ${lane + 1}`;
    yield { ph: 'M', name: 'thread_name', pid, tid, args: { name } };
    yield { ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: lane + 1 } };
  }
  for (let i = 0; i < placed.length; i++) {
    const { call: c, start, end, lane } = placed[i]!;
    const payload = r.payloadOf?.(c);
    const error = payload?.error ?? c.error;
    const tid = CALLS_TID + lane;
    const ts = us(start);
    const dur = Math.max(0, us(end) - ts);
    const committedAt = tOf(c.commitSeq);
    yield {
      ph: 'X',
      name: c.name,
      cat: 'tool',
      pid,
      tid,
      ts,
      dur,
      args: {
        call: c.id,
        turn: c.turn,
        index: c.index,
        args: (payload ? payload.args : c.args) ?? null,
        outcome: c.endSeq === undefined ? 'no result' : c.ok ? 'ok' : `error: ${error ?? ''}`,
        committed: committedAt === undefined ? null : `${(committedAt - t0).toFixed(3)} ms`,
        synthetic: c.synthetic ?? false,
        reads: c.reads,
        writes: c.writes,
      },
    };
    yield* callFlows(m, c, { pid, tid, ts, dur }, modelSlice, tOf, us, flows);
    if (i % 1024 === 0) handled(Math.floor(n * (0.3 + (0.7 * i) / Math.max(1, placed.length))));
  }

  for (const a of anomalies) {
    if (a.run !== m.run) continue;
    const at = tOf(a.seqs[a.seqs.length - 1]) ?? lastT;
    yield {
      ph: 'i',
      s: 't',
      name: `${a.severity}: ${EXPLANATIONS[a.type].title}`,
      cat: 'anomaly',
      pid,
      tid: TURNS_TID,
      ts: us(at),
      args: {
        type: a.type,
        severity: a.severity,
        turn: a.turn,
        call: a.call,
        seqs: a.seqs,
        message: a.message,
      },
    };
  }
  handled(n);
}

function* metadata(m: RunModel, pid: number): Generator<ChromeTraceEvent> {
  yield {
    ph: 'M',
    name: 'process_name',
    pid,
    tid: 0,
    args: { name: `run ${m.run}${m.agent ? ` (${m.agent})` : ''}` },
  };
  yield { ph: 'M', name: 'process_sort_index', pid, tid: 0, args: { sort_index: pid } };
  yield { ph: 'M', name: 'thread_name', pid, tid: TURNS_TID, args: { name: 'turns' } };
  yield { ph: 'M', name: 'thread_sort_index', pid, tid: TURNS_TID, args: { sort_index: 0 } };
}
