// The openai client loop as one call: `runOpenAIChat` takes a Chat Completions message history and
// tools in the openai format (plus their implementations), and runs `runAgent` with the given
// executor, streaming or not. It returns the whole history, the tool messages in call order.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { Executor } from '../../executor.ts';
import {
  type AgentResult,
  type Model,
  type ModelReply,
  type ModelRequest,
  runAgent,
} from '../../run-agent.ts';
import type { Tool, ToolAccess, ToolContext } from '../../tool.ts';
import type { Tracer } from '../../tracer.ts';
import { ChunkAccumulator, contextMessages, parseArgs } from './chat-messages.ts';

/** An openai function tool with its implementation (and, optionally, the state keys it touches). */
export interface OpenAIFunctionTool<Args = Record<string, unknown>> {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
  run(args: Args, ctx: ToolContext): Promise<unknown>;
  access?: ToolAccess | ((args: Args) => ToolAccess);
}

export interface RunOpenAIChatOptions {
  client: OpenAI;
  model: string;
  /** The history to continue (system, user, earlier turns). Not modified. */
  messages: readonly ChatCompletionMessageParam[];
  // biome-ignore lint/suspicious/noExplicitAny: a list of tools mixes argument types
  tools: readonly OpenAIFunctionTool<any>[];
  executor: Executor;
  tracer: Tracer;
  /** Stream each completion (`stream: true`); `onChunk` sees every chunk as it comes. */
  stream?: boolean;
  onChunk?: (chunk: ChatCompletionChunk, turn: number) => void;
  /** Extra request fields (temperature, …). */
  params?: Partial<Omit<ChatCompletionCreateParamsNonStreaming, 'model' | 'messages' | 'tools' | 'stream'>>;
  maxTurns?: number;
  settleMs?: number;
  agent?: string;
}

export interface OpenAIChatResult extends AgentResult {
  /** The history followed by every assistant and tool message of the run. */
  messages: ChatCompletionMessageParam[];
}

// biome-ignore lint/suspicious/noExplicitAny: see OpenAIFunctionTool
export function toSdkTool(t: OpenAIFunctionTool<any>): Tool {
  return {
    name: t.function.name,
    ...(t.function.description ? { description: t.function.description } : {}),
    ...(t.function.parameters ? { parameters: t.function.parameters } : {}),
    ...(t.access ? { access: t.access } : {}),
    run: (args, ctx) => t.run(args, ctx),
  };
}

class HistoryChatModel implements Model {
  readonly name: string;
  private readonly defs: ChatCompletionTool[];

  constructor(private readonly o: RunOpenAIChatOptions) {
    this.name = `openai:${o.model}`;
    this.defs = o.tools.map(({ type, function: f }) => ({ type, function: f }));
  }

  async next(req: ModelRequest): Promise<ModelReply> {
    const body = {
      ...this.o.params,
      model: this.o.model,
      messages: [...this.o.messages, ...contextMessages(req.context)],
      ...(this.defs.length > 0 ? { tools: this.defs, parallel_tool_calls: true } : {}),
    };
    if (this.o.stream) {
      const acc = new ChunkAccumulator();
      for await (const chunk of await this.o.client.chat.completions.create({ ...body, stream: true })) {
        acc.add(chunk);
        this.o.onChunk?.(chunk, req.turn);
      }
      return acc.result(req.turn);
    }
    const completion = await this.o.client.chat.completions.create(body);
    const message = completion.choices[0]?.message;
    if (!message) throw new Error(`turn ${req.turn}: the model returned no choices`);
    const calls: ToolCallSpec[] = [];
    for (const tc of message.tool_calls ?? []) {
      if (tc.type !== 'function') throw new Error(`turn ${req.turn}: unsupported tool call type ${tc.type}`);
      calls.push({
        id: tc.id,
        name: tc.function.name,
        args: parseArgs(req.turn, { id: tc.id, ...tc.function }),
      });
    }
    return { calls, ...(message.content ? { text: message.content } : {}) };
  }
}

/** Runs the tool loop to its end; results reach the model only after each batch has committed. */
export async function runOpenAIChat(options: RunOpenAIChatOptions): Promise<OpenAIChatResult> {
  const result = await runAgent({
    model: new HistoryChatModel(options),
    tools: options.tools.map(toSdkTool),
    executor: options.executor,
    tracer: options.tracer,
    ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
    ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
  });
  return { ...result, messages: [...options.messages, ...contextMessages(result.context)] };
}
