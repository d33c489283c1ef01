// Format v1 to Chrome Trace Event Format JSON (opens in Perfetto UI and chrome://tracing): one
// process per run, turns as complete slices with the model call nested inside, tool calls as
// async slices, anomalies as instant events. Timestamps are microseconds from the earliest event.
import { type Anomaly, buildRunModel, EXPLANATIONS, eventBySeq, type RunModel } from '@causelane/analysis';
import type { TraceEvent } from '@causelane/trace-schema';

export type ChromeTraceEvent =
  | {
      ph: 'M';
      name: 'process_name' | 'thread_name' | 'process_sort_index';
      pid: number;
      tid: number;
      args: Record<string, unknown>;
    }
  | {
      ph: 'X';
      name: string;
      cat: string;
      pid: number;
      tid: number;
      ts: number;
      dur: number;
      args: Record<string, unknown>;
    }
  | {
      ph: 'b' | 'e';
      name: string;
      cat: string;
      id: string;
      pid: number;
      tid: number;
      ts: number;
      args: Record<string, unknown>;
    }
  | {
      ph: 'i';
      name: string;
      cat: string;
      s: 't';
      pid: number;
      tid: number;
      ts: number;
      args: Record<string, unknown>;
    };

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number>;
}

const TURNS_TID = 1;
const CALLS_TID = 2;

function tOf(m: RunModel, seq: number | undefined): number | undefined {
  return seq === undefined ? undefined : eventBySeq(m, seq)?.t;
}

export function toChromeTrace(
  runs: ReadonlyMap<string, readonly TraceEvent[]>,
  anomalies: readonly Anomaly[] = [],
): ChromeTrace {
  let t0 = Infinity;
  for (const events of runs.values()) for (const e of events) if (e.t < t0) t0 = e.t;
  if (!Number.isFinite(t0)) t0 = 0;
  const us = (t: number) => Math.round((t - t0) * 1000 * 1000) / 1000;
  const out: ChromeTraceEvent[] = [];
  let asyncId = 0;
  let pid = 0;
  for (const [run, events] of runs) {
    pid++;
    const m = buildRunModel(run, events);
    const lastT = events.reduce((x, e) => Math.max(x, e.t), -Infinity);
    out.push(
      {
        ph: 'M',
        name: 'process_name',
        pid,
        tid: 0,
        args: { name: `run ${run}${m.agent ? ` (${m.agent})` : ''}` },
      },
      { ph: 'M', name: 'process_sort_index', pid, tid: 0, args: { sort_index: pid } },
      { ph: 'M', name: 'thread_name', pid, tid: TURNS_TID, args: { name: 'turns' } },
      { ph: 'M', name: 'thread_name', pid, tid: CALLS_TID, args: { name: 'tool calls' } },
    );
    const turns = [...m.turns].sort((a, b) => a.turn - b.turn);
    for (let k = 0; k < turns.length; k++) {
      const turn = turns[k]!;
      const start = tOf(m, turn.requestSeq) ?? tOf(m, turn.responseSeq);
      if (start === undefined) continue;
      const next = turns
        .slice(k + 1)
        .map((u) => tOf(m, u.requestSeq) ?? tOf(m, u.responseSeq))
        .find((x) => x !== undefined);
      const end = Math.max(start, next ?? lastT);
      const args = { turn: turn.turn, calls: turn.calls.map((c) => c.id) };
      out.push({
        ph: 'X',
        name: `turn ${turn.turn}`,
        cat: 'turn',
        pid,
        tid: TURNS_TID,
        ts: us(start),
        dur: us(end) - us(start),
        args,
      });
      const answered = tOf(m, turn.responseSeq);
      if (turn.requestSeq !== undefined && answered !== undefined) {
        const modelEnd = Math.min(Math.max(answered, start), end);
        out.push({
          ph: 'X',
          name: 'model',
          cat: 'llm',
          pid,
          tid: TURNS_TID,
          ts: us(start),
          dur: us(modelEnd) - us(start),
          args: { turn: turn.turn },
        });
      }
    }
    for (const c of m.calls) {
      const start = tOf(m, c.startSeq);
      if (start === undefined) continue;
      const done = tOf(m, c.endSeq) ?? tOf(m, c.timeoutSeq) ?? tOf(m, c.orphanSeq) ?? lastT;
      const id = `0x${(++asyncId).toString(16)}`;
      const base = { name: c.name, cat: 'tool', id, pid, tid: CALLS_TID };
      out.push({
        ...base,
        ph: 'b',
        ts: us(start),
        args: { call: c.id, turn: c.turn, index: c.index, args: c.args ?? null },
      });
      const outcome = c.endSeq === undefined ? 'no result' : c.ok ? 'ok' : `error: ${c.error ?? ''}`;
      const committedAt = tOf(m, c.commitSeq);
      out.push({
        ...base,
        ph: 'e',
        ts: us(Math.max(done, start)),
        args: {
          outcome,
          committed: committedAt === undefined ? null : `${(committedAt - t0).toFixed(3)} ms`,
          synthetic: c.synthetic ?? false,
        },
      });
    }
    for (const a of anomalies) {
      if (a.run !== run) continue;
      const at = tOf(m, a.seqs[a.seqs.length - 1]) ?? lastT;
      out.push({
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
      });
    }
  }
  return {
    traceEvents: out,
    displayTimeUnit: 'ms',
    otherData: { generator: 'causelane', format: 'trace-event', epochMs: t0 },
  };
}
