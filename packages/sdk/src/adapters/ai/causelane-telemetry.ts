// Trace-only path for AI SDK 7: a telemetry integration (`registerTelemetry(CauselaneTelemetry(…))`)
// that turns each generateText / streamText operation into one format-v1 run, streamed to a sink.
// It changes nothing the SDK does; the commits it records are the tool results each model call's
// input carries, in their order.
import type { TraceSink } from '../../sinks/trace-sink.ts';
import { Tracer } from '../../tracer.ts';
import { ObservedSession } from '../core/observed-session.ts';
import { parseInput } from '../core/parse-input.ts';
import { declaredState, NotingContext, type ToolDeclarations, withToolCall } from '../core/tool-state.ts';

export interface CauselaneTelemetryOptions {
  /** Where every run goes (a `SocketIoSink` to a collector, a `JsonlFileSink`, …); shared by all runs. */
  sink: TraceSink;
  tools?: ToolDeclarations;
  agent?: string;
  /** The run id of an operation; default `ai-<callId>`. */
  runId?: (callId: string) => string;
  /** A failed write to the sink; the default writes one line to stderr. */
  onError?: (err: Error) => void;
}

interface Part {
  type: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  providerExecuted?: boolean;
}
interface Msg {
  role: string;
  content: unknown;
}
interface ToolCallInfo {
  toolCallId: string;
  toolName: string;
  input?: unknown;
}

/** The hooks of ai 7's `Telemetry` interface this integration implements (a structural subset). */
export interface CauselaneTelemetryIntegration {
  onStart(e: { callId: string; operationId: string; modelId?: string }): void;
  onLanguageModelCallStart(e: { callId: string; messages: readonly Msg[] }): void;
  onLanguageModelCallEnd(e: { callId: string; content: readonly Part[] }): void;
  onToolExecutionStart(e: { callId: string; toolCall: ToolCallInfo }): void;
  onToolExecutionEnd(e: {
    callId: string;
    toolCall: ToolCallInfo;
    toolOutput: { type: string; output?: unknown; error?: unknown };
  }): void;
  executeTool<T>(o: { callId: string; toolCallId: string; execute: () => PromiseLike<T> }): PromiseLike<T>;
  onEnd(e: { callId: string }): Promise<void>;
  onAbort(e: { callId: string }): Promise<void>;
  onError(e: unknown): Promise<void>;
  /** Waits until every finished run is in the sink. */
  flush(): Promise<void>;
  /** Ends open runs as cancelled, flushes, and closes the sink. */
  shutdown(): Promise<void>;
}

interface Op {
  tracer: Tracer;
  session: ObservedSession;
  tools: Map<string, NotingContext>;
}

const TEXT_OPERATIONS = new Set(['ai.generateText', 'ai.streamText']);

export function CauselaneTelemetry(options: CauselaneTelemetryOptions): CauselaneTelemetryIntegration {
  const ops = new Map<string, Op>();
  const closing = new Set<Promise<void>>();
  const report =
    options.onError ?? ((e: Error) => process.stderr.write(`causelane telemetry: ${e.message}\n`));
  // Each run's tracer closes its sink at the run's end: give it one whose close only flushes.
  const shared: TraceSink = {
    write: (b) => options.sink.write(b),
    flush: () => options.sink.flush(),
    close: () => options.sink.flush(),
  };
  const finish = (callId: string, status: 'ok' | 'error' | 'cancelled') => {
    const op = ops.get(callId);
    if (!op) return Promise.resolve();
    ops.delete(callId);
    op.session.end(status);
    const p = op.tracer.close().catch((err: Error) => report(err));
    closing.add(p);
    return p.finally(() => closing.delete(p));
  };
  return {
    onStart(e) {
      if (!TEXT_OPERATIONS.has(e.operationId)) return;
      const tracer = new Tracer({ run: options.runId?.(e.callId) ?? `ai-${e.callId}`, sinks: [shared] });
      const agent = options.agent ?? e.modelId;
      const session = new ObservedSession({
        tracer,
        ...(options.tools ? { tools: options.tools } : {}),
        ...(agent ? { agent } : {}),
        meta: { source: 'ai-sdk-telemetry', operation: e.operationId },
      });
      ops.set(e.callId, { tracer, session, tools: new Map() });
    },
    onLanguageModelCallStart(e) {
      const ids: string[] = [];
      for (const m of e.messages) {
        if (m.role !== 'tool' || !Array.isArray(m.content)) continue;
        for (const p of m.content as Part[])
          if (p.type === 'tool-result' && p.toolCallId) ids.push(p.toolCallId);
      }
      ops.get(e.callId)?.session.modelCallStarting(ids);
    },
    onLanguageModelCallEnd(e) {
      const calls = e.content
        .filter((p) => p.type === 'tool-call' && !p.providerExecuted && p.toolCallId && p.toolName)
        .map((p) => {
          const parsed = parseInput(p.input);
          return { id: p.toolCallId!, name: p.toolName!, args: parsed.ok ? parsed.value : p.input };
        });
      ops.get(e.callId)?.session.modelAnswered(calls);
    },
    onToolExecutionStart(e) {
      ops.get(e.callId)?.session.toolStarted(e.toolCall.toolCallId);
    },
    executeTool({ callId, toolCallId, execute }) {
      const op = ops.get(callId);
      if (!op) return execute();
      const { turn, call } = op.session.toolStarted(toolCallId);
      const ctx = new NotingContext(undefined, turn, call);
      op.tools.set(toolCallId, ctx);
      return withToolCall(ctx, execute);
    },
    onToolExecutionEnd(e) {
      const op = ops.get(e.callId);
      if (!op) return;
      const id = e.toolCall.toolCallId;
      const noted = op.tools.get(id) ?? new NotingContext(undefined, 0, id);
      op.tools.delete(id);
      const ok = e.toolOutput.type === 'tool-result';
      if (ok) {
        const name = e.toolCall.toolName;
        const state = declaredState(options.tools?.[name], name, e.toolCall.input, e.toolOutput.output);
        for (const r of state?.reads ?? []) noted.noteRead(r);
        for (const w of state?.writes ?? []) noted.noteWrite(w);
      }
      op.session.toolEnded(id, {
        ok,
        ...(ok ? { result: e.toolOutput.output } : { error: errorOf(e.toolOutput.error) }),
        reads: noted.reads,
        writes: noted.writes,
      });
    },
    onEnd: (e) => finish(e.callId, 'ok'),
    onAbort: (e) => finish(e.callId, 'cancelled'),
    onError: (e) => finish(String((e as { callId?: unknown })?.callId), 'error'),
    async flush() {
      await Promise.all([...closing]);
      await options.sink.flush();
    },
    async shutdown() {
      await Promise.all([...ops.keys()].map((id) => finish(id, 'cancelled')));
      await Promise.all([...closing]);
      await options.sink.close();
    },
  };
}

function errorOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
}
