// What a tool is to the executors: a name, an async run function, and optionally the state keys it
// reads and writes (so the causal executor can order conflicting calls).
import type { KeyVersion } from '@causelane/trace-schema';

export interface ToolAccess {
  reads?: readonly string[];
  writes?: readonly string[];
}

export interface ToolContext {
  readonly turn: number;
  /** The call id the model gave this call. */
  readonly call: string;
  /** Aborted when the executor stops waiting. Cooperative: the executor never depends on it. */
  readonly signal: AbortSignal;
  /**
   * Read-your-writes: the highest version of `key` this agent has already seen written (0 when
   * none or when disabled). A read served by a lagging replica below it should wait or retry.
   */
  minVersion(key: string): number;
  /** Records a state key version the result shows the model (becomes the call's `reads`). */
  noteRead(kv: KeyVersion): void;
  /** Records a state key version the call produced (becomes the call's `writes`). */
  noteWrite(kv: KeyVersion): void;
  /**
   * The call id the tool's transport attached to its answer, when it is not `call` (a retry
   * layer that mints its own id). Trusting it is the bug the `retry-id-mismatch` scenario shows.
   */
  answerAs(callId: string): void;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of tools mixes argument types; each tool narrows its own
export interface Tool<Args = any> {
  name: string;
  description?: string;
  /** JSON Schema of the arguments, for model adapters. */
  parameters?: Record<string, unknown>;
  /** Keys the call reads and writes: fixed, or derived from its arguments. */
  access?: ToolAccess | ((args: Args) => ToolAccess);
  run(args: Args, ctx: ToolContext): Promise<unknown>;
}

export function accessOf(tool: Tool | undefined, args: unknown): { reads: string[]; writes: string[] } {
  if (!tool?.access) return { reads: [], writes: [] };
  const a = typeof tool.access === 'function' ? tool.access(args) : tool.access;
  return { reads: [...(a.reads ?? [])], writes: [...(a.writes ?? [])] };
}

/** Tools by name; a duplicate name is a programming error. */
export function toolMap(tools: readonly Tool[]): Map<string, Tool> {
  const map = new Map<string, Tool>();
  for (const t of tools) {
    if (map.has(t.name)) throw new Error(`two tools are named ${t.name}`);
    map.set(t.name, t);
  }
  return map;
}
