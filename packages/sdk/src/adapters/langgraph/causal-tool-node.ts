// LangGraph.js drop-in for the prebuilt ToolNode: the same node (tools, options, output shape), but
// the AI message's tool calls run as one executor batch, and the node returns only once the batch
// has committed, with one ToolMessage per call in call order (a stand-in for a call given up on).
import { type BaseMessage, isAIMessage, isBaseMessage, ToolMessage } from '@langchain/core/messages';
import type { ToolCall } from '@langchain/core/messages/tool';
import { isCommand, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import type { CausalSession, ModelCall } from '../core/causal-session.ts';
import { parseInput } from '../core/parse-input.ts';
import { bindToolRun, declaredState, type ToolDeclarations } from '../core/tool-state.ts';

type ToolNodeTools = ConstructorParameters<typeof ToolNode>[0];
type ToolNodeOptions = ConstructorParameters<typeof ToolNode>[1];

/** A tool's failure as ToolNode reports it (a ToolMessage with status error), carried to the commit. */
class ToolMessageFailure extends Error {
  constructor(readonly toolMessage: ToolMessage) {
    super(
      typeof toolMessage.content === 'string' ? toolMessage.content : JSON.stringify(toolMessage.content),
    );
  }
}

/** The trace's view of a ToolMessage: its content, JSON parsed when it is JSON. */
export function contentOf(value: unknown): unknown {
  if (!(value instanceof ToolMessage)) return isCommand(value) ? { command: true } : value;
  const parsed = parseInput(value.content);
  return parsed.ok ? parsed.value : value.content;
}

function pendingCalls(input: unknown): { calls: ToolCall[] } | undefined {
  const messages: BaseMessage[] | undefined = Array.isArray(input)
    ? input
    : (input as { messages?: BaseMessage[] } | null)?.messages;
  if (!Array.isArray(messages) || !messages.every(isBaseMessage)) return undefined;
  const answered = new Set(
    messages.filter((m) => m.getType() === 'tool').map((m) => (m as ToolMessage).tool_call_id),
  );
  const ai = [...messages].reverse().find(isAIMessage);
  if (!ai) return undefined;
  return { calls: (ai.tool_calls ?? []).filter((c) => c.id == null || !answered.has(c.id)) };
}

export class CausalToolNode<T = unknown> extends ToolNode<T> {
  constructor(
    tools: ToolNodeTools,
    options: ToolNodeOptions,
    private readonly session: CausalSession,
    private readonly declarations: ToolDeclarations | undefined,
  ) {
    super(tools, options);
  }

  protected override async run(input: unknown, config: LangGraphRunnableConfig): Promise<T> {
    const pending = pendingCalls(input);
    // A Send per call (lg_tool_call) fans out over graph branches: no batch to hold; as ToolNode.
    if (!pending || pending.calls.some((c) => !c.id)) return super.run(input, config);
    const { calls } = pending;
    if (calls.length === 0) return super.run(input, config);
    if (!calls.every((c) => this.session.expects(c.id!))) {
      // No callbacks announced this model call: announce it now, from the AI message.
      const turn = this.session.modelCallStarting();
      const modelCalls: ModelCall[] = calls.map((c) => ({ id: c.id!, name: c.name, args: c.args }));
      this.session.modelAnswered(turn, modelCalls, (c) =>
        this.tools.some((t) => t.name === c.name) ? undefined : `Tool "${c.name}" not found.`,
      );
    }
    const outcomes = await Promise.all(
      calls.map((call) =>
        this.session.runCall(
          call.id!,
          bindToolRun(
            async (ctx) => {
              const out = await this.runTool(call, config, input);
              if (out instanceof ToolMessage && out.status === 'error') throw new ToolMessageFailure(out);
              const state = declaredState(
                this.declarations?.[call.name],
                call.name,
                call.args,
                contentOf(out),
              );
              for (const r of state?.reads ?? []) ctx.noteRead(r);
              for (const w of state?.writes ?? []) ctx.noteWrite(w);
              return out;
            },
            undefined,
            call.args,
            undefined,
          ),
          contentOf,
        ),
      ),
    );
    const outputs = calls.map((call, i) => {
      const o = outcomes[i]!;
      if (o.ok) return o.value as ToolMessage;
      if (o.thrown instanceof ToolMessageFailure) return o.thrown.toolMessage;
      if (o.thrown !== undefined) throw o.thrown; // interrupts and handleToolErrors: false
      return new ToolMessage({
        status: 'error',
        content: `Error: ${o.error}\n Please fix your mistakes.`,
        name: call.name,
        tool_call_id: call.id!,
      });
    });
    if (!outputs.some(isCommand)) return (Array.isArray(input) ? outputs : { messages: outputs }) as T;
    return outputs.map((o) => (isCommand(o) ? o : Array.isArray(input) ? [o] : { messages: [o] })) as T;
  }
}
