// For an openai client loop the user keeps: wrap the model call (traced as the turn's model call,
// streamed or not; Chat Completions `complete`, Responses `respond`) and hand its tool calls to
// `runToolCalls` / `runFunctionCalls`, which run them through the executor and return the tool
// messages (function_call_output items), one per call id, in call order.
import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import type {
  FunctionTool,
  Response,
  ResponseFunctionToolCall,
  ResponseInputItem,
  ResponseOutputItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { OrphanedResult } from '../../executor.ts';
import { CausalSession, type SessionOptions } from '../core/causal-session.ts';
import { bindToolRun, type ToolDeclaration } from '../core/tool-state.ts';
import { assistantMessage, ChunkAccumulator, parseArgs, toolContent } from './chat-messages.ts';
import type { OpenAIFunctionTool } from './run-openai-chat.ts';

export interface OpenAIToolRunnerOptions extends Omit<SessionOptions, 'tools'> {
  // biome-ignore lint/suspicious/noExplicitAny: a list of tools mixes argument types
  tools: readonly OpenAIFunctionTool<any>[];
}

type Completion = ChatCompletion | AsyncIterable<ChatCompletionChunk>;

const functionCalls = (output: readonly ResponseOutputItem[]) =>
  output.filter((o): o is ResponseFunctionToolCall => o.type === 'function_call');

export class OpenAIToolRunner {
  private readonly session: CausalSession;
  // biome-ignore lint/suspicious/noExplicitAny: see OpenAIToolRunnerOptions
  private readonly byName = new Map<string, OpenAIFunctionTool<any>>();
  /** The `tools` request field. */
  readonly definitions: ChatCompletionTool[];

  constructor(options: OpenAIToolRunnerOptions) {
    const declarations: Record<string, ToolDeclaration> = {};
    for (const t of options.tools) {
      this.byName.set(t.function.name, t);
      if (t.access) declarations[t.function.name] = { access: t.access as ToolDeclaration['access'] };
    }
    this.session = new CausalSession({ ...options, tools: declarations });
    this.definitions = options.tools.map(({ type, function: f }) => ({ type, function: f }));
  }

  get orphans(): readonly OrphanedResult[] {
    return this.session.orphans;
  }

  /**
   * Calls the model through `create` (a Chat Completions call, streaming or not) as the next turn.
   * Throws while the previous turn's tool calls are uncommitted. `onChunk` sees streamed chunks.
   */
  async complete(
    create: () => Promise<Completion>,
    onChunk?: (chunk: ChatCompletionChunk) => void,
  ): Promise<ChatCompletionAssistantMessageParam> {
    const turn = this.session.modelCallStarting();
    const out = await create();
    let reply: { calls: { id: string; name: string; args?: unknown }[]; text?: string };
    if (Symbol.asyncIterator in out) {
      const acc = new ChunkAccumulator();
      for await (const chunk of out) {
        acc.add(chunk);
        onChunk?.(chunk);
      }
      reply = acc.result(turn);
    } else {
      const message = out.choices[0]?.message;
      if (!message) throw new Error(`turn ${turn}: the model returned no choices`);
      reply = {
        calls: (message.tool_calls ?? []).flatMap((tc) =>
          tc.type === 'function'
            ? [{ id: tc.id, name: tc.function.name, args: parseArgs(turn, { id: tc.id, ...tc.function }) }]
            : [],
        ),
        ...(message.content ? { text: message.content } : {}),
      };
    }
    this.session.modelAnswered(turn, reply.calls, (c) =>
      this.byName.has(c.name) ? undefined : `no tool named ${c.name} was given to OpenAIToolRunner`,
    );
    return assistantMessage(reply.calls, reply.text);
  }

  /** Runs the message's tool calls through the executor; resolves once the batch has committed. */
  async runToolCalls(
    message: { tool_calls?: readonly ChatCompletionMessageToolCall[] } | ChatCompletionAssistantMessageParam,
  ): Promise<ChatCompletionToolMessageParam[]> {
    const calls = (message.tool_calls ?? []).filter((tc) => tc.type === 'function');
    const contents = await this.runCalls(calls.map((tc) => ({ id: tc.id, ...tc.function })));
    return calls.map((tc, i) => ({ role: 'tool', tool_call_id: tc.id, content: contents[i]! }));
  }

  /**
   * Responses API: calls the model through `create` (`client.responses.create`, streaming or not)
   * as the next turn and returns the completed response. Use `responseTools` as its `tools`.
   */
  async respond(
    create: () => Promise<Response | AsyncIterable<ResponseStreamEvent>>,
    onEvent?: (event: ResponseStreamEvent) => void,
  ): Promise<Response> {
    const turn = this.session.modelCallStarting();
    const out = await create();
    let response: Response | undefined;
    if (Symbol.asyncIterator in out) {
      for await (const event of out) {
        onEvent?.(event);
        if (event.type === 'response.completed') response = event.response;
      }
      if (!response) throw new Error(`turn ${turn}: the stream ended without response.completed`);
    } else response = out;
    const calls = functionCalls(response.output).map((c) => ({
      id: c.call_id,
      name: c.name,
      args: parseArgs(turn, { id: c.call_id, name: c.name, arguments: c.arguments }),
    }));
    this.session.modelAnswered(turn, calls, (c) =>
      this.byName.has(c.name) ? undefined : `no tool named ${c.name} was given to OpenAIToolRunner`,
    );
    return response;
  }

  /** The `function_call_output` items for a response's function calls, in call order, once committed. */
  async runFunctionCalls(
    output: readonly ResponseOutputItem[],
  ): Promise<ResponseInputItem.FunctionCallOutput[]> {
    const calls = functionCalls(output);
    const contents = await this.runCalls(
      calls.map((c) => ({ id: c.call_id, name: c.name, arguments: c.arguments })),
    );
    return calls.map((c, i) => ({ type: 'function_call_output', call_id: c.call_id, output: contents[i]! }));
  }

  /** The `tools` field of a Responses request. */
  get responseTools(): FunctionTool[] {
    return [...this.byName.values()].map(({ function: f }) => ({
      type: 'function',
      name: f.name,
      parameters: f.parameters ?? { type: 'object', properties: {} },
      strict: f.strict ?? false,
      ...(f.description ? { description: f.description } : {}),
    }));
  }

  private async runCalls(
    calls: readonly { id: string; name: string; arguments: string }[],
  ): Promise<string[]> {
    const outcomes = await Promise.all(
      calls.map((c) => {
        const tool = this.byName.get(c.name);
        const args = parseArgs(0, c);
        return this.session.runCall(
          c.id,
          bindToolRun(
            (ctx) => {
              if (!tool) throw new Error(`no tool named ${c.name}`);
              return tool.run(args, ctx);
            },
            undefined,
            args,
            undefined,
          ),
        );
      }),
    );
    return outcomes.map((o) =>
      o.ok
        ? toolContent({ ok: true, result: o.value })
        : toolContent({ ok: false, error: o.error, synthetic: o.synthetic }),
    );
  }

  end(status?: 'ok' | 'error' | 'cancelled'): Promise<void> {
    return this.session.end(status);
  }
}
