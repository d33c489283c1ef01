// The contract between the agent loop and an executor: run one turn's tool calls, commit their
// results into the agent's context, and say when the loop may call the model again.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import type { ToolResultEntry } from './agent-context.ts';
import type { Tool } from './tool.ts';
import type { Tracer } from './tracer.ts';

export interface Batch {
  turn: number;
  calls: readonly ToolCallSpec[];
  /** What `beforeRequest(turn)` returned, when it returned something: proves the caller owns the turn. */
  ticket?: TurnTicket;
}

/** An executor's proof that the holder announced the turn (the causal executor's turn clock). */
export type TurnTicket = { readonly turn: number };

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
  /**
   * Throws when the loop must not call the model for `turn` yet. May return a ticket, which the
   * loop then passes as `batch.ticket` to run that turn's batch.
   */
  beforeRequest(turn: number): TurnTicket | undefined;
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
  /** What the JSON-safe snapshot of `result` converted or dropped (`$.n: bigint written as a string`). */
  lossy?: string[];
}

/** A thrown value as text. Never throws: tools throw symbols, null-prototype objects, anything. */
export function errorText(err: unknown): string {
  try {
    if (err instanceof Error) return typeof err.message === 'string' ? err.message : String(err);
    return typeof err === 'symbol' ? err.toString() : String(err);
  } catch {
    return `the tool threw a value that has no text (${Object.prototype.toString.call(err)})`;
  }
}
