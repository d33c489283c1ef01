// A fluent builder for hand-written traces in tests and docs: each call appends one event with the
// next seq, so a test reads like the timeline it describes.
import type { EventBody, TraceEvent } from '@causelane/trace-schema';

export interface TraceBuilder {
  events: TraceEvent[];
  ev(body: EventBody): TraceBuilder;
  req(turn: number): TraceBuilder;
  res(turn: number, ...calls: (string | { id: string; name: string })[]): TraceBuilder;
  start(turn: number, call: string): TraceBuilder;
  end(turn: number, call: string, extra?: Partial<Extract<TraceEvent, { type: 'tool.end' }>>): TraceBuilder;
  commit(turn: number, call: string, synthetic?: boolean): TraceBuilder;
  timeout(turn: number, call: string): TraceBuilder;
  orphan(turn: number, call: string): TraceBuilder;
}

export function traceBuilder(run = 'r', t0 = 1_760_000_000_000): TraceBuilder {
  let seq = 0;
  const events: TraceEvent[] = [];
  const b: TraceBuilder = {
    events,
    ev(body) {
      events.push({ v: 1, run, seq, t: t0 + seq * 10, ...body } as TraceEvent);
      seq++;
      return b;
    },
    req: (turn) => b.ev({ type: 'llm.request', turn }),
    res: (turn, ...calls) =>
      b.ev({
        type: 'llm.response',
        turn,
        calls: calls.map((c) => (typeof c === 'string' ? { id: c, name: `tool_${c}` } : c)),
      }),
    start: (turn, call) => b.ev({ type: 'tool.start', turn, call }),
    end: (turn, call, extra = {}) => b.ev({ type: 'tool.end', turn, call, ok: true, ...extra }),
    commit: (turn, call, synthetic) =>
      b.ev({ type: 'tool.commit', turn, call, ...(synthetic ? { synthetic } : {}) }),
    timeout: (turn, call) => b.ev({ type: 'tool.timeout', turn, call }),
    orphan: (turn, call) => b.ev({ type: 'tool.orphan', turn, call, reason: 'late' }),
  };
  return b;
}
