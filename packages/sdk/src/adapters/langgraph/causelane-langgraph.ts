// LangGraph.js entry points: `causelaneLangGraph` (a ToolNode drop-in plus callbacks that announce
// model calls, all on one causal session) and `traceLangGraph` (callbacks only, for the stock graph).
import type { ToolNode } from '@langchain/langgraph/prebuilt';
import type { OrphanedResult } from '../../executor.ts';
import { CausalSession, type SessionOptions } from '../core/causal-session.ts';
import { ObservedSession, type ObservedSessionOptions } from '../core/observed-session.ts';
import { CausalToolNode } from './causal-tool-node.ts';
import { CausalCallbacks, ObservedCallbacks } from './langgraph-callbacks.ts';

export interface LangGraphAdapter {
  /** `new ToolNode(tools, options)`, with its calls run by the executor. */
  toolNode<T = unknown>(
    tools: ConstructorParameters<typeof ToolNode>[0],
    options?: ConstructorParameters<typeof ToolNode>[1],
  ): CausalToolNode<T>;
  /** Pass in `graph.invoke(input, { callbacks: [adapter.callbacks] })` to trace model calls as they happen. */
  readonly callbacks: CausalCallbacks;
  end(status?: 'ok' | 'error' | 'cancelled'): Promise<void>;
  readonly orphans: readonly OrphanedResult[];
}

export function causelaneLangGraph(options: SessionOptions): LangGraphAdapter {
  const session = new CausalSession(options);
  const names = new Set<string>();
  return {
    toolNode: <T = unknown>(
      tools: ConstructorParameters<typeof ToolNode>[0],
      opts?: ConstructorParameters<typeof ToolNode>[1],
    ) => {
      for (const t of tools) names.add(t.name);
      return new CausalToolNode<T>(tools, opts, session, options.tools);
    },
    callbacks: new CausalCallbacks(session, (name) => names.has(name)),
    end: (status) => session.end(status),
    get orphans() {
      return session.orphans;
    },
  };
}

/** Trace-only: records the stock graph (model calls, ToolNode's tool runs, commits seen in each input). */
export function traceLangGraph(options: ObservedSessionOptions): {
  readonly callbacks: ObservedCallbacks;
  end(status?: 'ok' | 'error' | 'cancelled'): void;
} {
  const session = new ObservedSession(options);
  return { callbacks: new ObservedCallbacks(session, options.tools), end: (status) => session.end(status) };
}
