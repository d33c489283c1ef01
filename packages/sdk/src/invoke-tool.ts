// Runs one tool call and gathers what it noted (reads, writes, the id it answered as). Never throws:
// a tool's error, or a call to an unknown tool, becomes an outcome with ok: false.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import { jsonSnapshot } from './executor/json-snapshot.ts';
import { type CallOutcome, errorText } from './executor.ts';
import type { Tool, ToolContext } from './tool.ts';

/**
 * A call's ToolContext. A class rather than an object of closures, and with the AbortController
 * made on first use (most tools never look at their signal, and per-call allocations are most of
 * an executor's overhead). An abort before that first use is remembered, so a tool that reads
 * `ctx.signal` only after its deadline still sees `aborted: true`.
 */
export class CallRecorder implements ToolContext {
  readonly reads: KeyVersion[] = [];
  readonly writes: KeyVersion[] = [];
  answeredAs: string | undefined;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private aborted = false;
  /** Set once the tool returned: what it notes afterwards cannot change what was recorded. */
  private sealed = false;

  constructor(
    readonly turn: number,
    readonly call: string,
    readonly minVersion: (key: string) => number,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  seal(): void {
    this.sealed = true;
  }

  noteRead(kv: KeyVersion): void {
    if (!this.sealed) this.reads.push({ key: kv.key, version: kv.version });
  }

  noteWrite(kv: KeyVersion): void {
    if (!this.sealed) this.writes.push({ key: kv.key, version: kv.version });
  }

  answerAs(callId: string): void {
    if (!this.sealed) this.answeredAs = callId;
  }
}

/**
 * Runs the tool; the outcome holds a JSON-safe snapshot of its result (so later mutation changes
 * nothing, and a BigInt or a cycle cannot break a sink), and the recorder is sealed.
 */
export async function invokeTool(
  tool: Tool | undefined,
  spec: ToolCallSpec,
  ctx: CallRecorder,
): Promise<CallOutcome> {
  const { reads, writes } = ctx;
  if (!tool) {
    ctx.seal();
    return { ok: false, error: `unknown tool ${spec.name}`, reads, writes };
  }
  let outcome: CallOutcome;
  try {
    const snap = jsonSnapshot(await tool.run(spec.args ?? {}, ctx));
    outcome = { ok: true, result: snap.value, reads, writes };
    if (snap.lossy) outcome.lossy = snap.lossy;
  } catch (err) {
    outcome = { ok: false, error: errorText(err), reads, writes };
  }
  ctx.seal();
  if (ctx.answeredAs !== undefined && ctx.answeredAs !== spec.id) outcome.answeredAs = ctx.answeredAs;
  return outcome;
}

/** The tool.end fields of an outcome (reads/writes only when present). Built field by field: it is on the hot path. */
export function endFields(o: CallOutcome): {
  ok: boolean;
  result?: unknown;
  error?: string;
  reads?: KeyVersion[];
  writes?: KeyVersion[];
  lossy?: string[];
} {
  const f: {
    ok: boolean;
    result?: unknown;
    error?: string;
    reads?: KeyVersion[];
    writes?: KeyVersion[];
    lossy?: string[];
  } = { ok: o.ok };
  if (o.ok) {
    if (o.result !== undefined) f.result = o.result;
    if (o.lossy) f.lossy = o.lossy;
  } else f.error = o.error ?? 'failed';
  if (o.reads.length > 0) f.reads = o.reads;
  if (o.writes.length > 0) f.writes = o.writes;
  return f;
}
