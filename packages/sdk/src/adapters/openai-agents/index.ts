// @causelane/sdk/openai-agents: the OpenAI Agents SDK. `causelaneAgents` wraps the model (or model
// provider) and function tools so the causal executor runs every batch; `CauselaneTraceProcessor`
// only streams the SDK's own traces (register it with `addTraceProcessor`).
export type { SessionOptions } from '../core/causal-session.ts';
export {
  currentToolCall,
  type OtelTraceApi,
  STATE_ATTRIBUTES,
  type ToolDeclaration,
  type ToolDeclarations,
  type ToolState,
} from '../core/tool-state.ts';
export {
  type AgentsAdapter,
  type AgentsModel,
  type AgentsModelProvider,
  causelaneAgents,
} from './agents-adapter.ts';
export {
  type AgentsSpan,
  type AgentsTrace,
  CauselaneTraceProcessor,
  type CauselaneTraceProcessorOptions,
} from './causelane-trace-processor.ts';
