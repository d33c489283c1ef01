// For an openai client loop the user keeps: wrap the completion call (traced as the turn's model
// call, streamed or not) and hand the assistant message's tool_calls to `runToolCalls`, which runs
// them through the executor and returns the tool messages, one per tool_call_id, in call order.
import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
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
    const outcomes = await Promise.all(
      calls.map((tc) => {
        const tool = this.byName.get(tc.function.name);
        const args = parseArgs(0, { id: tc.id, ...tc.function });
        return this.session.runCall(
          tc.id,
          bindToolRun(
            (ctx) => {
              if (!tool) throw new Error(`no tool named ${tc.function.name}`);
              return tool.run(args, ctx);
            },
            undefined,
            args,
            undefined,
          ),
        );
      }),
    );
    return calls.map((tc, i) => {
      const o = outcomes[i]!;
      const content = o.ok
        ? toolContent({ ok: true, result: o.value })
        : toolContent({ ok: false, error: o.error, synthetic: o.synthetic });
      return { role: 'tool', tool_call_id: tc.id, content };
    });
  }

  end(status?: 'ok' | 'error' | 'cancelled'): Promise<void> {
    return this.session.end(status);
  }
}
