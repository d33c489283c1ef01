// @causelane/sdk/ai: the Vercel AI SDK (`ai` 6 and 7) drop-in. `causelaneAi` enforces the causal
// executor's guarantees through a language-model middleware and wrapped tools; `traceAi` and AI SDK
// 7's `CauselaneTelemetry` integration only record what the SDK does.
export type { ModelCall, SessionOptions } from '../core/causal-session.ts';
export type { ObservedSessionOptions } from '../core/observed-session.ts';
export {
  currentToolCall,
  type OtelTraceApi,
  STATE_ATTRIBUTES,
  type ToolDeclaration,
  type ToolDeclarations,
  type ToolState,
} from '../core/tool-state.ts';
export { type AiAdapter, type CauselaneMiddleware, causelaneAi, traceAi } from './ai-adapter.ts';
export {
  CauselaneTelemetry,
  type CauselaneTelemetryIntegration,
  type CauselaneTelemetryOptions,
} from './causelane-telemetry.ts';
