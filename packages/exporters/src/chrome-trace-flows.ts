// Flow events (arrows) of the Chrome trace export: from a tool call's slice to the model request
// that consumed its result, or to the later turn where a late commit or late result landed.
import { type CallModel, callClosedSeq, type RunModel, requestIndexAt } from '@causelane/analysis';
import type { ChromeTraceEvent } from './chrome-trace-event.ts';
import { TURNS_TID } from './chrome-trace-layout.ts';

/** Flow ends sit this far (µs) inside their slices, so `bp: 'e'` finds the slice enclosing them. */
const INSIDE = 0.001;

/**
 * The arrows of one call, from its slice: to the model request that consumed its committed result
 * (named "late commit" when it landed in a later turn), or, for a result that arrived after its
 * call was closed and was never committed, to the turn it arrived in ("late result").
 */
export function* callFlows(
  m: RunModel,
  c: CallModel,
  from: { pid: number; tid: number; ts: number; dur: number },
  modelSlice: ReadonlyMap<number, { ts: number; dur: number }>,
  tOf: (seq: number | undefined) => number | undefined,
  us: (t: number) => number,
  flows: { id: number },
): Generator<ChromeTraceEvent> {
  const turn = m.turnByNumber.get(c.turn);
  const close = turn?.closeSeq;
  const closed = turn ? callClosedSeq(c, turn) : undefined;
  let to: { ts: number; dur: number } | undefined;
  let name: string;
  // A late one points at the moment it landed, inside the later turn's slice.
  const landed = (seq: number) => {
    const at = tOf(seq);
    return at === undefined || turnAt(m, seq) === undefined ? undefined : { ts: us(at), dur: 0 };
  };
  if (c.commitSeq !== undefined && !c.synthetic) {
    if (close !== undefined && c.commitSeq > close) {
      name = 'late commit';
      to = landed(c.commitSeq);
    } else {
      name = 'result → model';
      const consumer = consumerOf(m, c.commitSeq);
      to = consumer === undefined ? undefined : modelSlice.get(consumer);
    }
  } else if (c.endSeq !== undefined && closed !== undefined && c.endSeq > closed) {
    name = 'late result';
    to = landed(c.endSeq);
  } else return;
  if (!to) return;
  const id = ++flows.id;
  const sTs = from.ts + Math.min(from.dur, Math.max(from.dur - INSIDE, 0));
  yield { ph: 's', name, cat: 'causality', id, bp: 'e', pid: from.pid, tid: from.tid, ts: sTs };
  yield {
    ph: 'f',
    name,
    cat: 'causality',
    id,
    bp: 'e',
    pid: from.pid,
    tid: TURNS_TID,
    ts: to.ts + Math.min(INSIDE, to.dur / 2),
  };
}

/** Turn number of the first `llm.request` after `seq`. */
function consumerOf(m: RunModel, seq: number): number | undefined {
  return m.requests[requestIndexAt(m, seq)]?.turn;
}

/** Turn of the last `llm.request` before `seq`: the turn the agent was in at that point. */
function turnAt(m: RunModel, seq: number): number | undefined {
  const i = requestIndexAt(m, seq);
  return i > 0 ? m.requests[i - 1]!.turn : undefined;
}
