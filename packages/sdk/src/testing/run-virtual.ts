// Test support: runs an executor over scripted batches in virtual time and returns the trace.
// Exported as `@causelane/sdk/testing` only; production code never imports it.
import type { TraceEvent } from '@causelane/trace-schema';
import type { ContextEntry } from '../agent-context.ts';
import type { VirtualClock } from '../clock.ts';
import type { Executor } from '../executor.ts';
import { type PlanTurn, ScriptedModel } from '../models/scripted-model.ts';
import { type AgentResult, runAgent } from '../run-agent.ts';
import { MemorySink } from '../sinks/memory-sink.ts';
import type { Tool } from '../tool.ts';
import { Tracer } from '../tracer.ts';

export interface HarnessRun {
  events: TraceEvent[];
  result: AgentResult;
  context: ContextEntry[];
}

export async function runVirtual(
  clock: VirtualClock,
  executor: Executor,
  tools: Tool[],
  plan: PlanTurn[],
  opts: { settleMs?: number; run?: string } = {},
): Promise<HarnessRun> {
  const sink = new MemorySink();
  const tracer = new Tracer({
    run: opts.run ?? 'test',
    sinks: [sink],
    now: () => clock.now(),
    flushIntervalMs: 1000,
  });
  const model = new ScriptedModel(plan, { clock, latencyMs: 10 });
  const result = await clock.run(() =>
    runAgent({ model, tools, executor, tracer, settleMs: opts.settleMs ?? 0 }),
  );
  await tracer.close();
  return { events: sink.events, result, context: result.context };
}

/** A tool that waits `ms` of virtual time (Infinity: forever) and returns `value`, ignoring abort. */
export function waitTool(
  clock: VirtualClock,
  name: string,
  ms: number | ((args: unknown) => number),
  value: unknown = name,
): Tool {
  return {
    name,
    async run(args) {
      await clock.sleep(typeof ms === 'function' ? ms(args) : ms);
      return value;
    },
  };
}

export const seqOf = (events: TraceEvent[], type: string, call?: string) =>
  events.find((e) => e.type === type && (call === undefined || ('call' in e && e.call === call)))?.seq;
