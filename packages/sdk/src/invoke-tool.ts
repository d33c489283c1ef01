// Runs one tool call and gathers what it noted (reads, writes, the id it answered as). Never throws:
// a tool's error, or a call to an unknown tool, becomes an outcome with ok: false.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import { type CallOutcome, errorText } from './executor.ts';
import type { Tool, ToolContext } from './tool.ts';

/**
 * A call's ToolContext. A class rather than an object of closures, and with the AbortController
 * made on first use: most tools never look at their signal, and per-call allocations are most of
 * an executor's overhead.
 */
export class CallRecorder implements ToolContext {
  readonly reads: KeyVersion[] = [];
  readonly writes: KeyVersion[] = [];
  answeredAs: string | undefined;
  private controller: AbortController | undefined;

  constructor(
    readonly turn: number,
    readonly call: string,
    readonly minVersion: (key: string) => number,
  ) {}

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.controller?.abort(reason);
  }

  noteRead(kv: KeyVersion): void {
    this.reads.push({ key: kv.key, version: kv.version });
  }

  noteWrite(kv: KeyVersion): void {
    this.writes.push({ key: kv.key, version: kv.version });
  }

  answerAs(callId: string): void {
    this.answeredAs = callId;
  }
}

export async function invokeTool(
  tool: Tool | undefined,
  spec: ToolCallSpec,
  ctx: CallRecorder,
): Promise<CallOutcome> {
  const { reads, writes } = ctx;
  if (!tool) return { ok: false, error: `unknown tool ${spec.name}`, reads, writes };
  let outcome: CallOutcome;
  try {
    outcome = { ok: true, result: await tool.run(spec.args ?? {}, ctx), reads, writes };
  } catch (err) {
    outcome = { ok: false, error: errorText(err), reads, writes };
  }
  if (ctx.answeredAs !== undefined && ctx.answeredAs !== spec.id) outcome.answeredAs = ctx.answeredAs;
  return outcome;
}

/** The tool.end fields of an outcome (reads/writes only when present). */
export function endFields(o: CallOutcome): {
  ok: boolean;
  result?: unknown;
  error?: string;
  reads?: KeyVersion[];
  writes?: KeyVersion[];
} {
  return {
    ok: o.ok,
    ...(o.ok && o.result !== undefined ? { result: o.result } : {}),
    ...(o.ok ? {} : { error: o.error ?? 'failed' }),
    ...(o.reads.length > 0 ? { reads: o.reads } : {}),
    ...(o.writes.length > 0 ? { writes: o.writes } : {}),
  };
}
