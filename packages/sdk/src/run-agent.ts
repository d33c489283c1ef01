// The agent loop: ask the model, run the tool calls it asks for through the executor, repeat until
// it asks for none. The executor decides when the next model call may happen.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { ContextEntry, ToolResultEntry } from './agent-context.ts';
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

/**
 * The trace's ids for one turn's calls. Call ids must be unique within a run, but providers that
 * number calls per response (`call_0`, `call_1` in every turn) reuse them: an id an earlier turn
 * used becomes `t<turn>:<id>` in the trace (and for the executor and tools); the context, and so
 * the messages, keep the provider's id.
 */
export function scopeCallIds(
  turn: number,
  calls: readonly ToolCallSpec[],
  used: Set<string>,
): { calls: ToolCallSpec[]; providerId: Map<string, string> | undefined } {
  let providerId: Map<string, string> | undefined;
  const out = calls.map((c) => {
    if (!used.has(c.id)) return c;
    let id = `t${turn}:${c.id}`;
    for (let n = 2; used.has(id); n++) id = `t${turn}:${c.id}#${n}`;
    providerId ??= new Map();
    providerId.set(id, c.id);
    return { ...c, id };
  });
  for (const c of out) used.add(c.id);
  return { calls: out, providerId };
}

function checkOptions(opts: RunAgentOptions): void {
  const { maxTurns, settleMs } = opts;
  if (maxTurns !== undefined && !(Number.isInteger(maxTurns) && maxTurns >= 1))
    throw new Error(`runAgent option maxTurns must be an integer >= 1, got ${describe(maxTurns)}`);
  if (settleMs !== undefined && !(typeof settleMs === 'number' && settleMs >= 0 && !Number.isNaN(settleMs)))
    throw new Error(
      `runAgent option settleMs must be a number of milliseconds >= 0, got ${describe(settleMs)}`,
    );
}

const describe = (v: unknown) => (typeof v === 'string' ? `"${v}" (a string)` : String(v));

export async function runAgent(opts: RunAgentOptions): Promise<AgentResult> {
  checkOptions(opts);
  const { model, executor, tracer } = opts;
  const tools = toolMap(opts.tools);
  const maxTurns = opts.maxTurns ?? 20;
  const context: ContextEntry[] = [];
  const usedIds = new Set<string>();
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
      const ticket = executor.beforeRequest(turn);
      tracer.emit({ type: 'llm.request', turn });
      const reply = await model.next({ turn, context: [...context], tools: opts.tools });
      const scoped = scopeCallIds(turn, reply.calls, usedIds);
      tracer.emit({ type: 'llm.response', turn, calls: scoped.calls });
      context.push({
        role: 'assistant',
        turn,
        calls: reply.calls,
        ...(reply.text ? { text: reply.text } : {}),
      });
      text = reply.text;
      if (reply.calls.length === 0) break;
      const providerId = scoped.providerId;
      const commit = (entries: readonly ToolResultEntry[]) => {
        if (!providerId) context.push(...entries);
        else for (const e of entries) context.push({ ...e, call: providerId.get(e.call) ?? e.call });
      };
      await executor.runBatch(
        { turn, calls: scoped.calls, ...(ticket ? { ticket } : {}) },
        { tools, tracer, commit },
      );
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
