// The GenAI span mapping: chat spans become llm.request/llm.response, execute_tool spans become
// tool.start/tool.end, and commits are inferred from the next chat span's input messages (or, when
// those were not recorded, from timing). Shared by the OTLP importer and the live OTel bridge.
import type { EventBody, TraceEvent } from '@causelane/trace-schema';
import { orderEvents, type PendingEvent } from './event-order.ts';
import type { ChatSpan, GenAiSpan, ToolSpan } from './genai-span.ts';

export interface SpanRunOptions {
  /** Recorded in run.start's meta, e.g. 'otlp' or 'otel-bridge'. */
  source: string;
}

/** Start order, with ties broken by end and span id: a total order independent of arrival. */
const byStart = (a: GenAiSpan, b: GenAiSpan) =>
  a.startMs - b.startMs || (a.endMs ?? Infinity) - (b.endMs ?? Infinity) || a.spanId.localeCompare(b.spanId);

/** A run is gen_ai.conversation.id, or else the trace id (spans without the id join their trace's). */
export function runOfSpans(spans: readonly GenAiSpan[]): Map<string, GenAiSpan[]> {
  const traceConversation = new Map<string, string>();
  // The earliest span naming a conversation decides, so arrival order never changes the answer.
  for (const s of [...spans].sort(byStart))
    if (s.conversationId && !traceConversation.has(s.traceId))
      traceConversation.set(s.traceId, s.conversationId);
  const runs = new Map<string, GenAiSpan[]>();
  for (const s of spans) {
    const run = s.conversationId ?? traceConversation.get(s.traceId) ?? s.traceId;
    let list = runs.get(run);
    if (!list) {
      list = [];
      runs.set(run, list);
    }
    list.push(s);
  }
  return runs;
}

interface CallInfo {
  turn: number;
  index: number;
  endIdx?: number;
  endMs?: number;
  committed?: boolean;
}

/** Maps one run's GenAI spans, in any order, to format-v1 events sorted by seq. */
export function spansToEvents(run: string, spans: readonly GenAiSpan[], opts: SpanRunOptions): TraceEvent[] {
  const chats = spans.filter((s): s is ChatSpan => s.kind === 'chat').sort(byStart);
  const tools = spans.filter((s): s is ToolSpan => s.kind === 'tool').sort(byStart);
  const pending: PendingEvent[] = [];
  const add = (body: EventBody, t: number, after: (number | undefined)[] = []): number => {
    pending.push({ body, t, after: after.filter((i): i is number => i !== undefined) });
    return pending.length - 1;
  };
  // Read in start order, so the agent and trace ids do not depend on which batch came first.
  const ordered = [...spans].sort(byStart);
  const first = ordered[0]?.startMs ?? Infinity;
  const agent = ordered.find((s) => s.agent)?.agent;
  const traceIds = [...new Set(ordered.map((s) => s.traceId))];
  const startIdx = add(
    {
      type: 'run.start',
      mode: 'unknown',
      ...(agent ? { agent } : {}),
      meta: { source: opts.source, traceIds },
    },
    first,
  );

  inferMissingCalls(chats, tools);
  const calls = new Map<string, CallInfo>();
  const requestIdx: number[] = [];
  const responseIdx: (number | undefined)[] = [];
  chats.forEach((chat, i) => {
    const turn = i + 1;
    requestIdx[i] = add({ type: 'llm.request', turn }, chat.startMs, [startIdx, responseIdx[i - 1]]);
    if (chat.endMs === undefined) return;
    const listed = chat.calls ?? [];
    responseIdx[i] = add({ type: 'llm.response', turn, calls: listed }, chat.endMs, [requestIdx[i]]);
    listed.forEach((c, index) => {
      if (!calls.has(c.id)) calls.set(c.id, { turn, index });
    });
  });

  // The turn a tool span belongs to: its call's, or else the last turn whose response it follows.
  const turnAt = (ms: number) => {
    let turn = 1;
    chats.forEach((c, i) => {
      if (c.endMs !== undefined && c.endMs <= ms) turn = i + 1;
    });
    return turn;
  };
  const claimed = new Set<string>();
  for (const tool of tools) {
    let id = tool.callId ?? (calls.has(`span:${tool.spanId}`) ? `span:${tool.spanId}` : undefined);
    if (!id) {
      // Without gen_ai.tool.call.id, take the first unclaimed call of that name in the turn just before.
      const turn = turnAt(tool.startMs);
      id = chats[turn - 1]?.calls?.find(
        (c) => c.name === tool.toolName && !claimed.has(c.id) && !tools.some((t) => t.callId === c.id),
      )?.id;
      id ??= `span:${tool.spanId}`;
    }
    claimed.add(id);
    const info = calls.get(id);
    const turn = info?.turn ?? turnAt(tool.startMs);
    const startI = add({ type: 'tool.start', turn, call: id }, tool.startMs, [
      startIdx,
      info ? responseIdx[info.turn - 1] : undefined,
    ]);
    if (tool.endMs === undefined) continue;
    const end: EventBody = { type: 'tool.end', turn, call: id, ok: tool.ok };
    if (tool.result !== undefined) end.result = tool.result;
    if (tool.error !== undefined) end.error = tool.error;
    const endI = add(end, tool.endMs, [startI]);
    if (info && info.endIdx === undefined) {
      info.endIdx = endI;
      info.endMs = tool.endMs;
    }
  }

  // Commits land just before the first later request whose context holds the result.
  const unknownCommitted = new Set<string>();
  chats.forEach((chat, i) => {
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
      for (const id of chat.results) {
        const info = calls.get(id);
        if (info) {
          if (info.committed || info.turn >= turn) continue;
          info.committed = true;
          commit(id, info.turn, info.endIdx);
        } else if (!unknownCommitted.has(id)) {
          unknownCommitted.add(id);
          commit(id, turn - 1);
        }
      }
      return;
    }
    // Messages were not recorded: a result that ended by this request counts as committed here.
    const ready = [...calls.entries()]
      .filter(([, c]) => !c.committed && c.turn < turn && c.endMs !== undefined && c.endMs <= chat.startMs)
      .sort((a, b) => a[1].turn - b[1].turn || a[1].index - b[1].index);
    for (const [id, c] of ready) {
      c.committed = true;
      commit(id, c.turn, c.endIdx);
    }
  });
  return orderEvents(run, pending);
}

/**
 * Output messages are opt-in: when a chat span lacks them, its calls are the tool spans that
 * started after it ended and before the next chat span started, in start order.
 */
function inferMissingCalls(chats: ChatSpan[], tools: readonly ToolSpan[]): void {
  chats.forEach((chat, i) => {
    if (chat.calls !== undefined || chat.endMs === undefined) return;
    const end = chat.endMs;
    const nextStart = chats[i + 1]?.startMs ?? Infinity;
    const mine = tools.filter((t) => t.startMs >= end && t.startMs < nextStart);
    chats[i] = {
      ...chat,
      calls: mine.map((t) => ({ id: t.callId ?? `span:${t.spanId}`, name: t.toolName })),
    };
  });
}

/** Maps GenAI spans of any runs, in any order, to each run's events sorted by seq. */
export function spansToRuns(spans: readonly GenAiSpan[], opts: SpanRunOptions): Map<string, TraceEvent[]> {
  const out = new Map<string, TraceEvent[]>();
  for (const [run, list] of runOfSpans(spans)) out.set(run, spansToEvents(run, list, opts));
  return out;
}
