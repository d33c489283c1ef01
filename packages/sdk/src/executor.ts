// The contract between the agent loop and an executor: run one turn's tool calls, commit their
// results into the agent's context, and say when the loop may call the model again.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import type { ToolResultEntry } from './agent-context.ts';
import type { Tool } from './tool.ts';
import type { Tracer } from './tracer.ts';

export interface Batch {
  turn: number;
  calls: readonly ToolCallSpec[];
}

export interface BatchEnv {
  tools: ReadonlyMap<string, Tool>;
  tracer: Tracer;
  /** Appends results to the agent's context; one call is one atomic update. */
  commit(entries: readonly ToolResultEntry[]): void;
}

export interface OrphanedResult {
  turn: number;
  /** The call it was dispatched as. */
  call: string;
  name: string;
  reason: 'late' | 'unknown-call';
  /** For unknown-call: the id the answer named. */
  answeredAs?: string;
  ok: boolean;
  result?: unknown;
  error?: string;
  writes: KeyVersion[];
}

export interface Executor {
  readonly mode: 'naive' | 'causal';
  /** Throws when the loop must not call the model for `turn` yet. */
  beforeRequest(turn: number): void;
  /** Runs a batch; resolves when the loop may continue (which the naive executor decides badly). */
  runBatch(batch: Batch, env: BatchEnv): Promise<void>;
  /** Waits up to `ms` for calls still running (stragglers), so their late results reach the trace. */
  settle(ms: number): Promise<void>;
  /** Results kept out of the context (late, or naming an unknown call id). */
  readonly orphans: readonly OrphanedResult[];
}

/** Runs a tool and collects what it noted; never throws (a tool error becomes ok: false). */
export interface CallOutcome {
  ok: boolean;
  result?: unknown;
  error?: string;
  reads: KeyVersion[];
  writes: KeyVersion[];
  answeredAs?: string;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
