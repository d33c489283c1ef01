// Runs one teaching scenario end to end (scripted model, simulated world, the chosen executor) and
// traces it into the given sinks. Live on the real clock by default; `virtual` for fast tests.
import { seededRandom } from '@causelane/trace-schema';
import { CausalExecutor } from '../causal-executor.ts';
import { type Clock, realClock, scaledClock, VirtualClock } from '../clock.ts';
import type { Executor } from '../executor.ts';
import { ScriptedModel } from '../models/scripted-model.ts';
import { NaiveExecutor } from '../naive-executor.ts';
import { runAgent } from '../run-agent.ts';
import { newRunId, Tracer, type TracerOptions, TraceSinkError } from '../tracer.ts';
import { sampleLatency } from '../world/latency.ts';
import { SCENARIOS } from './catalog.ts';
import type { Scenario } from './scenario.ts';

export interface RunScenarioOptions {
  mode: 'naive' | 'causal';
  seed: number;
  /** Sinks, each optionally with its own deadline for the final flush/close. */
  sinks: TracerOptions['sinks'];
  run?: string;
  /** Simulated time instead of real time: the run takes milliseconds and is exactly reproducible. */
  virtual?: boolean;
  /** Real time, but this many times faster (ignored when virtual). Default 1. */
  timeScale?: number;
  /** Close the sinks at the end instead of only flushing them (a CLI run that exits afterwards). */
  closeSinks?: boolean;
  /** Bounds the final flush/close of sinks without their own timeoutMs (Tracer flushTimeoutMs). Default 10 s. */
  flushTimeoutMs?: number;
}

/** The scenario itself failed; `cause` is the sink failure if the trace is incomplete as well. */
export class ScenarioFailedError extends Error {
  constructor(
    readonly scenario: string,
    /** Why the agent run failed. */
    readonly reason: string,
    sinkError?: TraceSinkError,
  ) {
    super(
      `scenario ${scenario} failed: ${reason}${sinkError ? `; also, ${sinkError.message}` : ''}`,
      sinkError ? { cause: sinkError } : {},
    );
  }
}

export function findScenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((x) => x.name).join(', ')}`);
  return s;
}

/**
 * Runs the scenario; resolves once every event is written to the sinks (flushed, or closed with
 * `closeSinks`). A sink that fails or does not answer within flushTimeoutMs makes it reject with a
 * TraceSinkError after the other sinks got every event. A failed scenario rejects with its own
 * error, carrying the sink failure (if any) as `cause` and in its message.
 */
export async function runScenario(
  name: string,
  opts: RunScenarioOptions,
): Promise<{ run: string; events: number }> {
  const scenario = findScenario(name);
  if (opts.mode !== 'naive' && opts.mode !== 'causal')
    throw new Error(`mode must be naive or causal, got "${opts.mode}"`);
  if (!Number.isSafeInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  const virtual = opts.virtual ? new VirtualClock() : undefined;
  const clock: Clock =
    virtual ?? (opts.timeScale && opts.timeScale !== 1 ? scaledClock(opts.timeScale) : realClock);
  const random = seededRandom(opts.seed);
  const setup = scenario.setup({ clock, random });
  const executor: Executor =
    opts.mode === 'causal'
      ? new CausalExecutor({ ...setup.causal, clock })
      : new NaiveExecutor({ ...setup.naive, clock });
  const model = new ScriptedModel(setup.plan, {
    name: scenario.agent,
    clock,
    latencyMs: () => sampleLatency(setup.modelLatency, random),
  });
  const tracer = new Tracer({
    run: opts.run ?? newRunId(`${scenario.name}-${opts.mode}`),
    sinks: opts.sinks,
    now: () => clock.now(),
    // Live runs stream to watchers in small batches; a simulated run has no one to keep waiting.
    flushIntervalMs: virtual ? 1000 : 25,
    ...(opts.flushTimeoutMs !== undefined ? { flushTimeoutMs: opts.flushTimeoutMs } : {}),
  });
  const go = () =>
    runAgent({
      model,
      tools: setup.tools,
      executor,
      tracer,
      agent: scenario.agent,
      meta: { scenario: scenario.name, seed: opts.seed, mirrors: scenario.mirrors },
      settleMs: setup.settleMs,
    });
  const result = virtual ? await virtual.run(go) : await go();
  let sinkError: TraceSinkError | undefined;
  try {
    await (opts.closeSinks ? tracer.close() : tracer.flush());
  } catch (err) {
    // The scenario's own failure is the headline; the incomplete trace must not hide it.
    if (result.status !== 'error' || !(err instanceof TraceSinkError)) throw err;
    sinkError = err;
  }
  if (result.status === 'error')
    throw new ScenarioFailedError(name, result.error ?? 'unknown error', sinkError);
  return { run: tracer.run, events: tracer.emitted };
}
