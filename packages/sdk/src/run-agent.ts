// The agent loop: ask the model, run the tool calls it asks for through the executor, repeat until
// it asks for none. The executor decides when the next model call may happen.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { ContextEntry } from './agent-context.ts';
import type { Executor } from './executor.ts';
import { type Tool, toolMap } from './tool.ts';
import type { Tracer } from './tracer.ts';

export interface ModelRequest {
  turn: number;
  /** The context as it stands when the model is called (a snapshot). */
  context: readonly ContextEntry[];
  tools: readonly Tool[];
}

export interface ModelReply {
  /** Tool calls to run, in order; none ends the run. */
  calls: ToolCallSpec[];
  text?: string;
}

export interface Model {
  readonly name: string;
  next(req: ModelRequest): Promise<ModelReply>;
}

export interface RunAgentOptions {
  model: Model;
  tools: readonly Tool[];
  executor: Executor;
  tracer: Tracer;
  /** Stop after this many turns even if the model still asks for calls. Default 20. */
  maxTurns?: number;
  agent?: string;
  meta?: Record<string, unknown>;
  /** After the last turn, wait this long for calls still running so their late results are traced. Default 0. */
  settleMs?: number;
}

export interface AgentResult {
  turns: number;
  status: 'ok' | 'error';
  /** The final context: what the model was (or would be) shown. */
  context: ContextEntry[];
  text?: string;
  error?: string;
}

export async function runAgent(opts: RunAgentOptions): Promise<AgentResult> {
  const { model, executor, tracer } = opts;
  const tools = toolMap(opts.tools);
  const maxTurns = opts.maxTurns ?? 20;
  const context: ContextEntry[] = [];
  const commit = (entries: readonly ContextEntry[]) => {
    context.push(...entries);
  };
  tracer.emit({
    type: 'run.start',
    agent: opts.agent ?? model.name,
    mode: executor.mode,
    ...(opts.meta ? { meta: opts.meta } : {}),
  });
  let turn = 0;
  let text: string | undefined;
  try {
    while (turn < maxTurns) {
      turn++;
      executor.beforeRequest(turn);
      tracer.emit({ type: 'llm.request', turn });
      const reply = await model.next({ turn, context: [...context], tools: opts.tools });
      tracer.emit({ type: 'llm.response', turn, calls: reply.calls });
      context.push({
        role: 'assistant',
        turn,
        calls: reply.calls,
        ...(reply.text ? { text: reply.text } : {}),
      });
      text = reply.text;
      if (reply.calls.length === 0) break;
      await executor.runBatch({ turn, calls: reply.calls }, { tools, tracer, commit });
    }
    await executor.settle(opts.settleMs ?? 0);
    tracer.emit({ type: 'run.end', status: 'ok' });
    return { turns: turn, status: 'ok', context, ...(text !== undefined ? { text } : {}) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    tracer.emit({ type: 'run.end', status: 'error' });
    return { turns: turn, status: 'error', context, error };
  }
}
