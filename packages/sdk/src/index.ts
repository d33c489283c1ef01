// @causelane/sdk: the tracer and its sinks, the causal and naive executors, the agent loop, the
// simulated world and the teaching scenarios. Depends on the trace schema alone: transports and
// framework adapters that need third-party packages are subpath entries (`/socketio`, `/otel`, …).

export { seededRandom } from '@causelane/trace-schema';
export type { AssistantEntry, ContextEntry, ToolResultEntry } from './agent-context.ts';
export { CausalExecutor, type CausalExecutorOptions } from './causal-executor.ts';
export { type Clock, realClock, scaledClock, VirtualClock } from './clock.ts';
export { type CallAccess, conflictSchedule } from './executor/conflict-schedule.ts';
export type { Batch, BatchEnv, Executor, OrphanedResult, TurnTicket } from './executor.ts';
export {
  type PlanStep,
  type PlanTurn,
  ScriptedModel,
  type ScriptedModelOptions,
} from './models/scripted-model.ts';
export { NaiveExecutor, type NaiveExecutorOptions } from './naive-executor.ts';
export {
  type AgentResult,
  type Model,
  type ModelReply,
  type ModelRequest,
  type RunAgentOptions,
  runAgent,
  scopeCallIds,
} from './run-agent.ts';
export { SCENARIOS } from './scenarios/catalog.ts';
export {
  findScenario,
  type RunScenarioOptions,
  runScenario,
  ScenarioFailedError,
} from './scenarios/run-scenario.ts';
export type { Scenario, ScenarioSetup, ScenarioWorld } from './scenarios/scenario.ts';
export { JsonlFileSink } from './sinks/jsonl-file-sink.ts';
export { MemorySink } from './sinks/memory-sink.ts';
export type { SinkAck, TraceSink } from './sinks/trace-sink.ts';
export { accessOf, type Tool, type ToolAccess, type ToolContext } from './tool.ts';
export {
  newRunId,
  type SinkFailure,
  type TimedSink,
  Tracer,
  type TracerOptions,
  TraceSinkError,
} from './tracer.ts';
export { type Latency, latency, sampleLatency } from './world/latency.ts';
export { type SimToolSpec, simTool } from './world/sim-tool.ts';
export { type StoreRead, VersionedStore, type VersionedStoreOptions } from './world/versioned-store.ts';
