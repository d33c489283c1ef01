// What a teaching scenario is: a short story, the pitfall it shows, the anomalies the naive
// executor produces, the public report it mirrors, and how to build its simulated world.
import type { AnomalyType } from '@causelane/trace-schema';
import type { CausalExecutorOptions } from '../causal-executor.ts';
import type { Clock } from '../clock.ts';
import type { PlanTurn } from '../models/scripted-model.ts';
import type { NaiveExecutorOptions } from '../naive-executor.ts';
import type { Tool } from '../tool.ts';
import type { Latency } from '../world/latency.ts';

export interface ScenarioWorld {
  clock: Clock;
  /** Seeded: the same seed replays the same latencies. */
  random: () => number;
}

export interface ScenarioSetup {
  tools: Tool[];
  plan: PlanTurn[];
  /** The model's thinking time per turn. */
  modelLatency: Latency;
  /** How the naive executor is configured for this story (the pattern under study). */
  naive: Omit<NaiveExecutorOptions, 'clock'>;
  causal: Omit<CausalExecutorOptions, 'clock'>;
  /** How long to wait after the last turn for stragglers, so late results show in the trace. */
  settleMs: number;
}

export interface Scenario {
  name: string;
  title: string;
  /** Anomaly types it provokes in naive mode (for most seeds). */
  expects: AnomalyType[];
  /** One paragraph on the pitfall. */
  explanation: string;
  /** The public report it mirrors. */
  mirrors: string;
  /** The agent's name in the trace. */
  agent: string;
  setup(world: ScenarioWorld): ScenarioSetup;
}
