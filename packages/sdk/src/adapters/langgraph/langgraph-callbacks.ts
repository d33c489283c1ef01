// LangChain callback handlers that trace a graph's chat model calls (pass one in `callbacks` of
// `graph.invoke`). The causal handler announces each model call to the executor, so a call while
// a batch is open fails; the trace-only one also records the stock ToolNode's tool runs, and a
// commit for each ToolMessage at the model call whose input first carries it.
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { CausalSession, ModelCall } from '../core/causal-session.ts';
import type { ObservedSession } from '../core/observed-session.ts';
import { parseInput } from '../core/parse-input.ts';
import { declaredState, type ToolDeclarations } from '../core/tool-state.ts';
import { contentOf } from './causal-tool-node.ts';

interface AiMessageLike {
  tool_calls?: { id?: string; name: string; args?: unknown }[];
}

/** The tool calls of a chat model's answer (the first generation's message). */
function callsOf(output: LLMResult): ModelCall[] {
  const gen = output.generations[0]?.[0] as { message?: AiMessageLike } | undefined;
  return (gen?.message?.tool_calls ?? []).flatMap((c) =>
    c.id ? [{ id: c.id, name: c.name, args: c.args }] : [],
  );
}

export class CausalCallbacks extends BaseCallbackHandler {
  name = 'causelane-causal';
  // Awaited, and its errors raised: the model call must not start while a batch is open.
  override awaitHandlers = true;
  override raiseError = true;
  private readonly turns = new Map<string, number>();

  constructor(
    private readonly session: CausalSession,
    private readonly known: (name: string) => boolean,
  ) {
    super();
  }

  override handleChatModelStart(_llm: unknown, _messages: BaseMessage[][], runId: string): void {
    this.turns.set(runId, this.session.modelCallStarting());
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const turn = this.turns.get(runId);
    if (turn === undefined) return;
    this.turns.delete(runId);
    this.session.modelAnswered(turn, callsOf(output), (c) =>
      this.known(c.name) ? undefined : `Tool "${c.name}" not found.`,
    );
  }
}

export class ObservedCallbacks extends BaseCallbackHandler {
  name = 'causelane-trace';
  override awaitHandlers = true;
  private readonly tools = new Map<string, { id: string; name: string; args: unknown }>();

  constructor(
    private readonly session: ObservedSession,
    private readonly declarations: ToolDeclarations | undefined,
  ) {
    super();
  }

  override handleChatModelStart(_llm: unknown, messages: BaseMessage[][]): void {
    const ids = (messages[0] ?? [])
      .filter((m) => m.getType() === 'tool')
      .map((m) => String((m as { tool_call_id?: string }).tool_call_id));
    this.session.modelCallStarting(ids);
  }

  override handleLLMEnd(output: LLMResult): void {
    this.session.modelAnswered(callsOf(output));
  }

  override handleToolStart(
    _tool: unknown,
    input: string,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    if (!toolCallId) return;
    const parsed = parseInput(input);
    this.tools.set(runId, { id: toolCallId, name: runName ?? '', args: parsed.ok ? parsed.value : input });
    this.session.toolStarted(toolCallId);
  }

  override handleToolEnd(output: unknown, runId: string): void {
    const t = this.tools.get(runId);
    if (!t) return;
    this.tools.delete(runId);
    const result = contentOf(output);
    const failed = (output as { status?: string } | null)?.status === 'error';
    const state = failed ? undefined : declaredState(this.declarations?.[t.name], t.name, t.args, result);
    this.session.toolEnded(t.id, {
      ok: !failed,
      ...(failed ? { error: String(result) } : { result }),
      ...(state?.reads ? { reads: state.reads } : {}),
      ...(state?.writes ? { writes: state.writes } : {}),
    });
  }

  override handleToolError(err: Error, runId: string): void {
    const t = this.tools.get(runId);
    if (!t) return;
    this.tools.delete(runId);
    this.session.toolEnded(t.id, { ok: false, error: err.message });
  }
}
