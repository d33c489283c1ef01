// Runs one tool call and gathers what it noted (reads, writes, the id it answered as). Never throws:
// a tool's error, or a call to an unknown tool, becomes an outcome with ok: false.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import { type CallOutcome, errorText } from './executor.ts';
import type { Tool, ToolContext } from './tool.ts';

export async function invokeTool(
  tool: Tool | undefined,
  spec: ToolCallSpec,
  turn: number,
  signal: AbortSignal,
  minVersion: (key: string) => number,
): Promise<CallOutcome> {
  const reads: KeyVersion[] = [];
  const writes: KeyVersion[] = [];
  let answeredAs: string | undefined;
  const ctx: ToolContext = {
    turn,
    call: spec.id,
    signal,
    minVersion,
    noteRead: (kv) => reads.push({ key: kv.key, version: kv.version }),
    noteWrite: (kv) => writes.push({ key: kv.key, version: kv.version }),
    answerAs: (id) => {
      answeredAs = id;
    },
  };
  const extra = () => (answeredAs !== undefined && answeredAs !== spec.id ? { answeredAs } : {});
  if (!tool) return { ok: false, error: `unknown tool ${spec.name}`, reads, writes };
  try {
    const result = await tool.run(spec.args ?? {}, ctx);
    return { ok: true, result, reads, writes, ...extra() };
  } catch (err) {
    return { ok: false, error: errorText(err), reads, writes, ...extra() };
  }
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
