// The assembler: one run's spans (any dialect, any order) to format-v1 events. Model calls become
// llm.request/llm.response, tool spans tool.start/tool.end (with reads and writes), and commits come
// from the next model call's input (or, when inputs were not recorded, from timing). What the spans
// do not prove is left out and said in the run's evidence notes, never guessed into an anomaly.
import type { EventBody, TraceEvent } from '@causelane/trace-schema';
import { bindResults, bindTools, type Turn, turnBefore } from './call-binding.ts';
import { orderEvents, type PendingEvent } from './event-order.ts';
import type { ChatSpan, GenAiSpan, ToolSpan } from './genai-span.ts';
import { byStart, runOfSpans } from './run-placement.ts';

export { runOfSpans } from './run-placement.ts';

export interface SpanRunOptions {
  /** Recorded in run.start's meta, e.g. 'otlp' or 'otel-bridge'. */
  source: string;
}

export interface AssembledRun {
  events: TraceEvent[];
  /** What the spans could not show (no tool spans, no ids, no messages), in plain words. */
  evidence: string[];
}

interface CallInfo {
  turn: number;
  endIdx?: number;
  endMs?: number;
  committed?: boolean;
}

/**
 * Output messages are opt-in (and some instrumentations record a response without its calls):
 * when a chat span lists no calls but tool spans started after it ended and before the next chat
 * span started, those are its calls. Their order is unknown, so it is set to the order in which
 * the next input holds their results (see orderInferred): commit order cannot be seen then.
 */
function inferMissingCalls(chats: ChatSpan[], tools: readonly ToolSpan[]): (Turn & { inferred?: true })[] {
  return chats.map((chat, i) => {
    const listed = (chat.calls ?? []).map((c) => ({ ...c }));
    if (listed.length > 0 || chat.endMs === undefined) return { chat, calls: listed };
    const end = chat.endMs;
    const nextStart = chats[i + 1]?.startMs ?? Infinity;
    const mine = tools.filter((t) => t.startMs >= end && t.startMs < nextStart);
    if (mine.length === 0) return { chat, calls: listed };
    return {
      chat,
      calls: mine.map((t) => ({ id: t.callId ?? `span:${t.spanId}`, name: t.toolName })),
      inferred: true,
    };
  });
}

/** Inferred calls take the order of their results in the next input that holds them. */
function orderInferred(turns: (Turn & { inferred?: true })[], committed: readonly string[][]): void {
  turns.forEach((t, i) => {
    if (!t.inferred || t.chat.calls === undefined) return;
    const next = committed.slice(i + 1).find((c) => t.calls.some((x) => c.includes(x.id)));
    if (!next) return;
    const rank = (id: string) => {
      const k = next.indexOf(id);
      return k === -1 ? Infinity : k;
    };
    t.calls.sort((a, b) => rank(a.id) - rank(b.id));
  });
}

function evidenceOf(turns: readonly Turn[], tools: readonly ToolSpan[], notes: string[]): string[] {
  const out: string[] = [];
  const anyCalls = turns.some((t) => t.calls.length > 0);
  if (anyCalls && tools.length === 0)
    out.push(
      "no tool spans: tool start and end times unknown; calls and commits come from the model calls' messages",
    );
  if (turns.some((t) => t.chat.anonymousCalls))
    out.push(
      'the model calls carry no call ids: calls are named <span id>#<index> unless a tool span gives the id',
    );
  if (turns.slice(1).some((t) => t.chat.results === undefined))
    out.push('no input messages recorded: commits inferred from timing, so commit order cannot be seen');
  if (turns.some((t) => (t as { inferred?: true }).inferred))
    out.push(
      'model calls recorded without their tool calls: calls taken from the tool spans that followed each one',
    );
  return [...out, ...notes];
}

function startsWith(list: readonly string[], start: readonly string[]): boolean {
  if (start.length > list.length) return false;
  for (let k = 0; k < start.length; k++) if (list[k] !== start[k]) return false;
  return true;
}

/** Maps one run's spans, in any order, to events sorted by seq, and what the spans could not show. */
export function assembleRun(run: string, spans: readonly GenAiSpan[], opts: SpanRunOptions): AssembledRun {
  const ordered = [...spans].sort(byStart);
  const chats = ordered.filter((s): s is ChatSpan => s.kind === 'chat');
  const tools = ordered.filter((s): s is ToolSpan => s.kind === 'tool');
  const pending: PendingEvent[] = [];
  const add = (body: EventBody, t: number, after: (number | undefined)[] = []): number => {
    pending.push({ body, t, after: after.filter((i): i is number => i !== undefined) });
    return pending.length - 1;
  };
  const notes: string[] = [];
  const turns = inferMissingCalls(chats, tools);
  const toolCall = bindTools(turns, tools, notes);
  const { committed, undecidable } = bindResults(turns, tools, toolCall, notes);
  orderInferred(turns, committed);
  const evidence = evidenceOf(turns, tools, notes);

  // Read in start order, so the agent and trace ids do not depend on which batch came first.
  // A model call's or tool's own agent name, else the service, else an agent span's name: an agent
  // span ends last, and a live bridge has sent run.start by then.
  const agent =
    ordered.find((s) => s.kind !== 'agent' && s.agent)?.agent ??
    ordered.find((s) => s.service)?.service ??
    ordered.find((s) => s.agent)?.agent;
  const meta: Record<string, unknown> = {
    source: opts.source,
    traceIds: [...new Set(ordered.map((s) => s.traceId))],
  };
  const dialects = [...new Set(ordered.map((s) => s.dialect).filter((d) => d !== undefined))];
  if (dialects.length > 0) meta.dialects = dialects;
  const startIdx = add(
    { type: 'run.start', mode: 'unknown', ...(agent ? { agent } : {}), meta },
    ordered[0]?.startMs ?? 0,
  );

  const firstToolStart = new Map<string, number>();
  for (const t of tools) {
    const id = toolCall.get(t.spanId);
    if (id !== undefined && !firstToolStart.has(id)) firstToolStart.set(id, t.startMs);
  }
  const calls = new Map<string, CallInfo>();
  const requestIdx: number[] = [];
  const responseIdx: (number | undefined)[] = [];
  turns.forEach(({ chat, calls: listed }, i) => {
    const turn = i + 1;
    requestIdx[i] = add({ type: 'llm.request', turn }, chat.startMs, [startIdx, responseIdx[i - 1]]);
    if (chat.endMs === undefined) return;
    const kept = listed.filter((c) => !undecidable.has(c.id));
    // Some instrumentations end the model-call span after the tools it asked for: draw the
    // response no later than its first tool start.
    const t = Math.min(chat.endMs, ...kept.map((c) => firstToolStart.get(c.id) ?? Infinity));
    responseIdx[i] = add({ type: 'llm.response', turn, calls: kept }, Math.max(t, chat.startMs), [
      requestIdx[i],
    ]);
    for (const c of kept) if (!calls.has(c.id)) calls.set(c.id, { turn });
  });

  for (const tool of tools) {
    const id = toolCall.get(tool.spanId);
    // A tool span bound to no call proves nothing about the calls: left out (see the notes).
    if (id === undefined || undecidable.has(id)) continue;
    const info = calls.get(id);
    const turn = info?.turn ?? Math.max(1, turnBefore(turns, tool.startMs) + 1);
    const startI = add({ type: 'tool.start', turn, call: id }, tool.startMs, [
      startIdx,
      info ? responseIdx[info.turn - 1] : undefined,
    ]);
    if (tool.endMs === undefined) continue;
    const end: EventBody = { type: 'tool.end', turn, call: id, ok: tool.ok };
    if (tool.result !== undefined) end.result = tool.result;
    if (tool.error !== undefined) end.error = tool.error;
    if (tool.reads) end.reads = tool.reads;
    if (tool.writes) end.writes = tool.writes;
    const endI = add(end, tool.endMs, [startI]);
    if (info && info.endIdx === undefined) {
      info.endIdx = endI;
      info.endMs = tool.endMs;
    }
  }

  // Commits land just before the first later request whose context holds the result.
  const unknownCommitted = new Set<string>();
  // The last results list read below, and its ids that were too early to commit (asked for by this
  // turn or a later one), in order. A list that starts with all of its ids (a conversation's history
  // repeated) only re-reads those and its new ids: every other id of that start was settled.
  let last: { ids: readonly string[]; early: string[] } | undefined;
  turns.forEach(({ chat }, i) => {
    const turn = i + 1;
    if (turn === 1) return;
    const commit = (id: string, callTurn: number, endIdx?: number) => {
      const c = add({ type: 'tool.commit', turn: callTurn, call: id }, chat.startMs, [
        startIdx,
        endIdx,
        responseIdx[callTurn - 1],
      ]);
      pending[requestIdx[i]!]!.after.push(c);
    };
    if (chat.results) {
      const ids = committed[i]!;
      const early: string[] = [];
      const read = (id: string) => {
        if (undecidable.has(id)) return;
        const info = calls.get(id);
        if (info) {
          if (info.committed) return;
          if (info.turn >= turn) {
            early.push(id);
            return;
          }
          info.committed = true;
          commit(id, info.turn, info.endIdx);
        } else if (!unknownCommitted.has(id)) {
          // A result for a call no model call of this run asked for: history from before the
          // spans begin (or a model call whose span is missing). Not evidence of a bug: noted.
          unknownCommitted.add(id);
        }
      };
      const from = last && startsWith(ids, last.ids) ? last.ids.length : 0;
      if (from > 0) for (const id of last!.early) read(id);
      for (let k = from; k < ids.length; k++) read(ids[k]!);
      last = { ids, early };
      return;
    }
    // Messages were not recorded: a result that ended by this request counts as committed here.
    const ready = [...calls.entries()]
      .filter(([, c]) => !c.committed && c.turn < turn && c.endMs !== undefined && c.endMs <= chat.startMs)
      .sort((a, b) => a[1].turn - b[1].turn);
    for (const [id, c] of ready) {
      c.committed = true;
      commit(id, c.turn, c.endIdx);
    }
  });
  if (unknownCommitted.size > 0)
    evidence.push(
      `${unknownCommitted.size} tool result(s) in the inputs answer calls no recorded model call asked for (earlier history, or a missing span): ignored`,
    );
  if (evidence.length > 0) meta.evidence = evidence;
  return { events: orderEvents(run, pending), evidence };
}

/** Maps one run's spans, in any order, to format-v1 events sorted by seq. */
export function spansToEvents(run: string, spans: readonly GenAiSpan[], opts: SpanRunOptions): TraceEvent[] {
  return assembleRun(run, spans, opts).events;
}

/** Maps spans of any runs, in any order, to each run's events sorted by seq. */
export function spansToRuns(spans: readonly GenAiSpan[], opts: SpanRunOptions): Map<string, TraceEvent[]> {
  const out = new Map<string, TraceEvent[]>();
  for (const [run, list] of runOfSpans(spans)) out.set(run, spansToEvents(run, list, opts));
  return out;
}

/** Like spansToRuns, with each run's evidence notes. */
export function assembleRuns(spans: readonly GenAiSpan[], opts: SpanRunOptions): Map<string, AssembledRun> {
  const out = new Map<string, AssembledRun>();
  for (const [run, list] of runOfSpans(spans)) out.set(run, assembleRun(run, list, opts));
  return out;
}
