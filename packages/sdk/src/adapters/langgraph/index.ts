// @causelane/sdk/langgraph: LangGraph.js. `causelaneLangGraph().toolNode(tools)` replaces the
// prebuilt ToolNode so each AI message's calls run as one causal batch; `traceLangGraph` only records.
export type { SessionOptions } from '../core/causal-session.ts';
export type { ObservedSessionOptions } from '../core/observed-session.ts';
export {
  currentToolCall,
  type OtelTraceApi,
  STATE_ATTRIBUTES,
  type ToolDeclaration,
  type ToolDeclarations,
  type ToolState,
} from '../core/tool-state.ts';
export { CausalToolNode } from './causal-tool-node.ts';
export { causelaneLangGraph, type LangGraphAdapter, traceLangGraph } from './causelane-langgraph.ts';
export { CausalCallbacks, ObservedCallbacks } from './langgraph-callbacks.ts';
