// Everything the inspector shows about one call: arguments, outcome, reads and writes, lifecycle
// times, and its happens-before relations to the other calls of its turn and to the next request.
import { type CallModel, type RunModel, resolvedSeq } from '@causelane/analysis';
import { type EventColumns, indexOfSeq, type KeyVersion } from '@causelane/trace-schema';

export interface LifecycleStep {
  label: 'listed' | 'start' | 'end' | 'commit' | 'timeout' | 'orphan';
  seq: number;
  t: number;
}

export interface Relation {
  kind: 'before' | 'after' | 'concurrent' | 'resolved' | 'violation';
  text: string;
  /** The other call, when the relation is to a call. */
  call: string | null;
}

export interface CallDetails {
  id: string;
  name: string;
  turn: number;
  index: number;
  args: unknown;
  ok: boolean | null;
  result: unknown;
  error: string | null;
  reads: KeyVersion[];
  writes: KeyVersion[];
  synthetic: boolean;
  orphanReason: string | null;
  lifecycle: LifecycleStep[];
  relations: Relation[];
}

/** The parts of a call that only its full events hold (a compact source drops them). */
export interface CallPayload {
  args: unknown;
  result: unknown;
  error: string | null;
}

/**
 * Reads a call's payload from the full text of two of its events: the `llm.response` that listed it
 * (args) and its first `tool.end` (result or error). Either may be missing.
 */
export function callPayloadFrom(callId: string, listed: unknown, end: unknown): CallPayload {
  const spec = (listed as { calls?: { id: string; args?: unknown }[] } | undefined)?.calls?.find(
    (c) => c.id === callId,
  );
  const e = end as { result?: unknown; error?: unknown } | undefined;
  return {
    args: spec?.args,
    result: e?.result,
    error: typeof e?.error === 'string' ? e.error : null,
  };
}

/**
 * A call's payload when the model's source kept no payloads (a compact run): the two events' lines
 * are fetched by number and parsed. Undefined for an unknown call.
 */
export function callPayloadFromLines(
  model: RunModel,
  src: EventColumns & { line(i: number): number },
  lineText: (line: number) => string | null,
  callId: string,
): CallPayload | undefined {
  const c = model.callById.get(callId);
  if (!c) return undefined;
  const full = (seq: number | undefined): unknown => {
    const i = seq === undefined ? -1 : indexOfSeq(src, seq);
    const text = i < 0 ? null : lineText(src.line(i));
    // The line was parsed and validated when the file was read.
    return text ? JSON.parse(text) : undefined;
  };
  return callPayloadFrom(callId, full(c.listedSeq), full(c.endSeq));
}

function step(model: RunModel, label: LifecycleStep['label'], seq: number | undefined): LifecycleStep[] {
  if (seq === undefined) return [];
  const i = indexOfSeq(model.source, seq);
  return [{ label, seq, t: i >= 0 ? model.source.event(i).t : 0 }];
}

/** Relation of call `a` to call `b` of the same turn, by seq (happens-before, never wall clock). */
export function relationBetween(a: CallModel, b: CallModel): Relation['kind'] {
  if (a.endSeq !== undefined && b.startSeq !== undefined && a.endSeq < b.startSeq) return 'before';
  if (b.endSeq !== undefined && a.startSeq !== undefined && b.endSeq < a.startSeq) return 'after';
  return 'concurrent';
}

/** `payload` replaces the model's args, result and error when its source dropped them. */
export function callDetails(model: RunModel, callId: string, payload?: CallPayload): CallDetails | null {
  const c = model.callById.get(callId);
  if (!c) return null;
  const turn = model.turnByNumber.get(c.turn);
  const relations: Relation[] = [];
  for (const o of turn?.calls ?? []) {
    if (o === c || c.startSeq === undefined || o.startSeq === undefined) continue;
    const kind = relationBetween(c, o);
    const verb =
      kind === 'before' ? 'happens before' : kind === 'after' ? 'happens after' : 'is concurrent with';
    relations.push({ kind, text: `${verb} ${o.name} (${o.id})`, call: o.id });
  }
  const close = turn?.closeSeq;
  const resolved = resolvedSeq(c);
  if (close !== undefined) {
    const next = `the turn ${turn?.closedByTurn} request (seq ${close})`;
    if (c.commitSeq !== undefined && c.commitSeq > close) {
      relations.push({ kind: 'violation', text: `committed after ${next}: a late commit`, call: null });
    } else if (resolved === undefined || resolved > close) {
      relations.push({
        kind: 'violation',
        text: `not resolved before ${next}: that request was premature`,
        call: null,
      });
    } else {
      relations.push({ kind: 'resolved', text: `resolved (seq ${resolved}) before ${next}`, call: null });
    }
  } else if (resolved !== undefined) {
    relations.push({
      kind: 'resolved',
      text: `resolved at seq ${resolved}; no later turn asked the model yet`,
      call: null,
    });
  }
  return {
    id: c.id,
    name: c.name,
    turn: c.turn,
    index: c.index,
    args: payload ? payload.args : c.args,
    ok: c.ok ?? null,
    result: payload ? payload.result : c.result,
    error: payload ? payload.error : (c.error ?? null),
    reads: c.reads,
    writes: c.writes,
    synthetic: c.synthetic === true,
    orphanReason: c.orphanReason ?? null,
    lifecycle: [
      ...step(model, 'listed', c.listedSeq),
      ...step(model, 'start', c.startSeq),
      ...step(model, 'end', c.endSeq),
      ...step(model, 'commit', c.commitSeq),
      ...step(model, 'timeout', c.timeoutSeq),
      ...step(model, 'orphan', c.orphanSeq),
      // In the order they happened (a timeout comes before the late tool.end it abandons).
    ].sort((a, b) => a.seq - b.seq),
    relations,
  };
}
