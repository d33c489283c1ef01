// A Model over any OpenAI-compatible chat-completions endpoint, through the official `openai`
// package: parallel tool_calls out, and back in, one tool message per tool_call_id in call order.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ContextEntry, ToolResultEntry } from '../agent-context.ts';
import type { Model, ModelReply, ModelRequest } from '../run-agent.ts';
import type { Tool } from '../tool.ts';

export interface OpenAIChatModelOptions {
  client: OpenAI;
  model: string;
  /** The user's task: the first user message. */
  prompt: string;
  system?: string;
  temperature?: number;
}

/** Renders the context as chat messages; throws if a requested call has no committed result. */
export function toChatMessages(
  context: readonly ContextEntry[],
  prompt: string,
  system?: string,
): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (system) messages.push({ role: 'system', content: system });
  messages.push({ role: 'user', content: prompt });
  // Keyed by turn too: providers that number calls per response reuse ids across turns.
  const results = new Map<string, ToolResultEntry>();
  const key = (turn: number, call: string) => `${turn}\u0000${call}`;
  for (const e of context) {
    if (e.role === 'tool' && !results.has(key(e.turn, e.call))) results.set(key(e.turn, e.call), e);
  }
  for (const e of context) {
    if (e.role !== 'assistant') continue;
    if (e.calls.length === 0) {
      messages.push({ role: 'assistant', content: e.text ?? '' });
      continue;
    }
    messages.push({
      role: 'assistant',
      content: e.text ?? null,
      tool_calls: e.calls.map((c) => ({
        id: c.id,
        type: 'function' as const,
        function: { name: c.name, arguments: JSON.stringify(c.args ?? {}) },
      })),
    });
    // The API demands exactly one tool message per tool_call_id, right after the assistant message.
    const missing = e.calls.filter((c) => !results.has(key(e.turn, c.id))).map((c) => c.id);
    if (missing.length > 0) {
      throw new Error(
        `turn ${e.turn}: no result committed for tool call ${missing.join(', ')}; the chat API requires one tool message per tool_call_id`,
      );
    }
    for (const c of e.calls)
      messages.push({
        role: 'tool',
        tool_call_id: c.id,
        content: toolContent(results.get(key(e.turn, c.id))!),
      });
  }
  return messages;
}

function toolContent(r: ToolResultEntry): string {
  if (!r.ok)
    return JSON.stringify({ error: r.error ?? 'failed', ...(r.synthetic ? { synthetic: true } : {}) });
  return typeof r.result === 'string' ? r.result : JSON.stringify(r.result ?? null);
}

function toChatTools(tools: readonly Tool[]): ChatCompletionTool[] {
  return tools.map((t) => ({
    type: 'function' as const,
    function: {
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      parameters: t.parameters ?? { type: 'object', properties: {} },
    },
  }));
}

export class OpenAIChatModel implements Model {
  readonly name: string;

  constructor(private readonly opts: OpenAIChatModelOptions) {
    this.name = `openai:${opts.model}`;
  }

  async next(req: ModelRequest): Promise<ModelReply> {
    const completion = await this.opts.client.chat.completions.create({
      model: this.opts.model,
      messages: toChatMessages(req.context, this.opts.prompt, this.opts.system),
      ...(req.tools.length > 0 ? { tools: toChatTools(req.tools), parallel_tool_calls: true } : {}),
      ...(this.opts.temperature !== undefined ? { temperature: this.opts.temperature } : {}),
    });
    const message = completion.choices[0]?.message;
    if (!message) throw new Error(`turn ${req.turn}: the model returned no choices`);
    const calls: ToolCallSpec[] = [];
    for (const tc of message.tool_calls ?? []) {
      if (tc.type !== 'function') throw new Error(`turn ${req.turn}: unsupported tool call type ${tc.type}`);
      let args: unknown;
      try {
        args = tc.function.arguments ? JSON.parse(tc.function.arguments) : {};
      } catch {
        throw new Error(
          `turn ${req.turn}: tool call ${tc.id} (${tc.function.name}) has arguments that are not JSON`,
        );
      }
      calls.push({ id: tc.id, name: tc.function.name, args });
    }
    return { calls, ...(message.content ? { text: message.content } : {}) };
  }
}
