// Builds simulated tools: wait a seeded latency on the world's clock, then act on the store.
import type { Clock } from '../clock.ts';
import type { Tool, ToolAccess, ToolContext } from '../tool.ts';
import { type Latency, sampleLatency } from './latency.ts';

export interface SimToolSpec<Args> {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  access?: ToolAccess | ((args: Args) => ToolAccess);
  /** Time before `act` runs. */
  latency: Latency | ((args: Args) => Latency);
  /** Time after `act` before the answer arrives (default none). */
  after?: Latency;
  act(args: Args, ctx: ToolContext): unknown | Promise<unknown>;
}

/**
 * Simulated tools ignore the abort signal on purpose: a real hung tool often does, and the
 * executor must stay correct anyway.
 */
export function simTool<Args = Record<string, unknown>>(
  clock: Clock,
  random: () => number,
  spec: SimToolSpec<Args>,
): Tool<Args> {
  return {
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.access ? { access: spec.access } : {}),
    async run(args, ctx) {
      const l = typeof spec.latency === 'function' ? spec.latency(args) : spec.latency;
      await clock.sleep(sampleLatency(l, random));
      const result = await spec.act(args, ctx);
      if (spec.after) await clock.sleep(sampleLatency(spec.after, random));
      return result;
    },
  };
}
