// A model that follows a deterministic plan: per turn, the tool calls to ask for, which may depend
// on the results already in the context. For scenarios, tests and benchmarks.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { ContextEntry, ToolResultEntry } from '../agent-context.ts';
import type { Clock } from '../clock.ts';
import type { Model, ModelReply, ModelRequest } from '../run-agent.ts';

export interface PlanStep {
  turn: number;
  context: readonly ContextEntry[];
  /** The committed result of a call id, if it is in the context. */
  result(call: string): ToolResultEntry | undefined;
}

/** One turn of a plan: fixed calls, or calls computed from what the model has seen. An empty list ends the run. */
export type PlanTurn = ToolCallSpec[] | ((step: PlanStep) => ToolCallSpec[] | ModelReply);

export interface ScriptedModelOptions {
  name?: string;
  /** Thinking time per turn, in ms (through `clock`). */
  latencyMs?: number | ((turn: number) => number);
  clock?: Clock;
}

export class ScriptedModel implements Model {
  readonly name: string;

  constructor(
    private readonly plan: readonly PlanTurn[],
    private readonly opts: ScriptedModelOptions = {},
  ) {
    this.name = opts.name ?? 'scripted';
  }

  async next(req: ModelRequest): Promise<ModelReply> {
    const latency =
      typeof this.opts.latencyMs === 'function' ? this.opts.latencyMs(req.turn) : this.opts.latencyMs;
    if (latency && this.opts.clock) await this.opts.clock.sleep(latency);
    const step = this.plan[req.turn - 1];
    if (step === undefined) return { calls: [], text: 'done' };
    if (Array.isArray(step)) return { calls: step };
    const out = step({
      turn: req.turn,
      context: req.context,
      result: (call) => req.context.find((e): e is ToolResultEntry => e.role === 'tool' && e.call === call),
    });
    return Array.isArray(out) ? { calls: out } : out;
  }
}
