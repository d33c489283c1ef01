// Chat Completions helpers for loops that keep their own message history: the tool messages for a
// committed batch (one per tool_call_id, in call order), the messages for the context a causal
// loop built, and the assistant message a streamed completion adds up to.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import type { ContextEntry, ToolResultEntry } from '../../agent-context.ts';

/** What a committed result says to the model: its text, or a JSON error (marked when a stand-in). */
export function toolContent(r: Pick<ToolResultEntry, 'ok' | 'result' | 'error' | 'synthetic'>): string {
  if (!r.ok)
    return JSON.stringify({ error: r.error ?? 'failed', ...(r.synthetic ? { synthetic: true } : {}) });
  if (typeof r.result === 'string') return r.result;
  return JSON.stringify(r.result ?? null) ?? 'null';
}

/**
 * The tool messages answering `calls`, one per id in call order, from committed results. Throws
 * when one has no result: the API rejects an assistant message with an unanswered tool_call_id.
 */
export function toolMessages(
  calls: readonly { id: string }[],
  results: readonly Pick<ToolResultEntry, 'call' | 'ok' | 'result' | 'error' | 'synthetic'>[],
): ChatCompletionToolMessageParam[] {
  const byId = new Map<string, (typeof results)[number]>();
  for (const r of results) if (!byId.has(r.call)) byId.set(r.call, r);
  const missing = calls.filter((c) => !byId.has(c.id)).map((c) => c.id);
  if (missing.length > 0)
    throw new Error(
      `no result committed for tool call ${missing.join(', ')}; the API needs one tool message per tool_call_id`,
    );
  return calls.map((c) => ({ role: 'tool', tool_call_id: c.id, content: toolContent(byId.get(c.id)!) }));
}

/** The assistant message that asked for `calls`. */
export function assistantMessage(
  calls: readonly ToolCallSpec[],
  text?: string,
): ChatCompletionAssistantMessageParam {
  if (calls.length === 0) return { role: 'assistant', content: text ?? '' };
  return {
    role: 'assistant',
    content: text ?? null,
    tool_calls: calls.map((c) => ({
      id: c.id,
      type: 'function' as const,
      function: { name: c.name, arguments: JSON.stringify(c.args ?? {}) },
    })),
  };
}

/**
 * A loop's context (runAgent's) as the messages that follow the history it started from. Each
 * turn's tool messages keep the context's order, which is the commit order: call order under the
 * causal executor, arrival order under the naive one (what such a loop really sends).
 */
export function contextMessages(context: readonly ContextEntry[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  const results = new Map<number, ToolResultEntry[]>();
  for (const e of context) if (e.role === 'tool') results.set(e.turn, [...(results.get(e.turn) ?? []), e]);
  for (const e of context) {
    if (e.role !== 'assistant') continue;
    out.push(assistantMessage(e.calls, e.text));
    if (e.calls.length === 0) continue;
    const committed = results.get(e.turn) ?? [];
    toolMessages(e.calls, committed); // throws when a call is unanswered
    const asked = new Set(e.calls.map((c) => c.id));
    const sent = new Set<string>();
    for (const r of committed) {
      if (!asked.has(r.call) || sent.has(r.call)) continue;
      sent.add(r.call);
      out.push({ role: 'tool', tool_call_id: r.call, content: toolContent(r) });
    }
  }
  return out;
}

/** Adds up a streamed completion's chunks into the assistant's text and tool calls. */
export class ChunkAccumulator {
  private text = '';
  private readonly calls: { id: string; name: string; arguments: string }[] = [];

  add(chunk: ChatCompletionChunk): void {
    const delta = chunk.choices[0]?.delta;
    if (!delta) return;
    if (delta.content) this.text += delta.content;
    for (const tc of delta.tool_calls ?? []) {
      let c = this.calls[tc.index];
      if (!c) {
        c = { id: '', name: '', arguments: '' };
        this.calls[tc.index] = c;
      }
      if (tc.id) c.id = tc.id;
      if (tc.function?.name) c.name += tc.function.name;
      if (tc.function?.arguments) c.arguments += tc.function.arguments;
    }
  }

  /** The calls with parsed arguments; throws naming a call whose arguments are not JSON. */
  result(turn: number): { calls: ToolCallSpec[]; text?: string } {
    const calls = this.calls
      .filter(Boolean)
      .map((c) => ({ id: c.id, name: c.name, args: parseArgs(turn, c) }));
    return { calls, ...(this.text ? { text: this.text } : {}) };
  }
}

export function parseArgs(turn: number, c: { id: string; name: string; arguments: string }): unknown {
  if (!c.arguments) return {};
  try {
    return JSON.parse(c.arguments);
  } catch {
    throw new Error(`turn ${turn}: tool call ${c.id} (${c.name}) has arguments that are not JSON`);
  }
}
