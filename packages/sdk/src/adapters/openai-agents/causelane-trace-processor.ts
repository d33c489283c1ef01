// Trace-only path for the OpenAI Agents SDK: a TracingProcessor (`addTraceProcessor(new
// CauselaneTraceProcessor({ sink }))`) that streams each SDK trace as one format-v1 run. Response
// and generation spans are model calls, function spans are tool calls (bound to the response's
// function calls by name, in order); a result counts as committed at the first model call after
// its function span ended, in call order, since the SDK's spans carry no tool call ids.
import type { TraceSink } from '../../sinks/trace-sink.ts';
import { Tracer } from '../../tracer.ts';
import type { ModelCall } from '../core/causal-session.ts';
import { wasEnforced } from '../core/enforced-calls.ts';
import { ObservedSession } from '../core/observed-session.ts';
import { parseInput } from '../core/parse-input.ts';
import { declaredState, type ToolDeclarations } from '../core/tool-state.ts';

/** The parts of the Agents SDK's `Span` and `Trace` the processor reads (structural). */
export interface AgentsSpan {
  traceId: string;
  spanId: string;
  spanData: { type: string; [key: string]: unknown };
  error: { message: string } | null;
}
export interface AgentsTrace {
  traceId: string;
  name: string;
}

export interface CauselaneTraceProcessorOptions {
  /** Where every run goes; shared by all traces, closed by `shutdown()`. */
  sink: TraceSink;
  tools?: ToolDeclarations;
  /** The run id of a trace; default its trace id. */
  runId?: (trace: AgentsTrace) => string;
  onError?: (err: Error) => void;
}

interface Call extends ModelCall {
  span: string | undefined;
  ended: boolean;
}

interface Run {
  trace: AgentsTrace;
  tracer: Tracer;
  session: ObservedSession | undefined;
  /** The first agent span's name, for run.start. */
  agent: string | undefined;
  calls: Call[];
  bySpan: Map<string, Call>;
  /** Function spans of a model call whose answer the span did not carry, held until the turn closes. */
  held: { span: AgentsSpan; ended: boolean }[] | undefined;
}

const MODEL_SPANS = new Set(['response', 'generation']);

/** The function calls a response (Responses API) or generation (Chat Completions) span carries. */
function answerOf(data: AgentsSpan['spanData']): ModelCall[] | undefined {
  const call = (id: unknown, name: unknown, args: unknown): ModelCall[] => {
    if (typeof id !== 'string' || typeof name !== 'string') return [];
    const parsed = parseInput(args ?? '');
    return [{ id, name, args: parsed.ok ? parsed.value : args }];
  };
  if (data.type === 'response') {
    const output = (data._response as { output?: unknown } | undefined)?.output;
    if (!Array.isArray(output)) return undefined;
    return output.flatMap((o) => (o?.type === 'function_call' ? call(o.call_id, o.name, o.arguments) : []));
  }
  const out = Array.isArray(data.output) ? data.output[0] : undefined;
  const message = (out as { choices?: { message?: { tool_calls?: unknown[] } }[] } | undefined)?.choices?.[0]
    ?.message;
  if (!message) return undefined;
  return (message.tool_calls ?? []).flatMap((tc) => {
    const t = tc as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
    return call(t.id, t.function?.name, t.function?.arguments);
  });
}

export class CauselaneTraceProcessor {
  private readonly runs = new Map<string, Run>();
  private readonly closing = new Set<Promise<void>>();
  private readonly shared: TraceSink;
  private readonly report: (err: Error) => void;

  constructor(private readonly options: CauselaneTraceProcessorOptions) {
    const sink = options.sink;
    // Each run's tracer closes its sink at the run's end: give it one whose close only flushes.
    this.shared = { write: (b) => sink.write(b), flush: () => sink.flush(), close: () => sink.flush() };
    this.report =
      options.onError ?? ((e) => process.stderr.write(`causelane agents processor: ${e.message}\n`));
  }

  async onTraceStart(trace: AgentsTrace): Promise<void> {
    const run = this.options.runId?.(trace) ?? trace.traceId;
    this.runs.set(trace.traceId, {
      trace,
      tracer: new Tracer({ run, sinks: [this.shared] }),
      session: undefined,
      agent: undefined,
      calls: [],
      bySpan: new Map(),
      held: undefined,
    });
  }

  private sessionOf(run: Run): ObservedSession {
    if (run.session) return run.session;
    run.session = new ObservedSession({
      tracer: run.tracer,
      agent: run.agent ?? run.trace.name,
      meta: { source: 'openai-agents', traceId: run.trace.traceId },
      ...(this.options.tools ? { tools: this.options.tools } : {}),
    });
    return run.session;
  }

  async onSpanStart(span: AgentsSpan): Promise<void> {
    const run = this.runs.get(span.traceId);
    if (!run) return;
    const type = span.spanData.type;
    if (type === 'agent' && run.agent === undefined && typeof span.spanData.name === 'string')
      run.agent = span.spanData.name;
    if (!MODEL_SPANS.has(type) && type !== 'function') return;
    const session = this.sessionOf(run);
    if (MODEL_SPANS.has(type)) {
      this.release(run, session);
      const ended = run.calls.filter((c) => c.ended).map((c) => c.id);
      session.modelCallStarting(ended);
    } else if (type === 'function') {
      if (run.held) return void run.held.push({ span, ended: false });
      const name = span.spanData.name;
      const call = run.calls.find((c) => c.span === undefined && c.name === name);
      if (!call) return;
      call.span = span.spanId;
      run.bySpan.set(span.spanId, call);
      session.toolStarted(call.id);
    }
  }

  async onSpanEnd(span: AgentsSpan): Promise<void> {
    const run = this.runs.get(span.traceId);
    if (!run?.session) return;
    const type = span.spanData.type;
    if (MODEL_SPANS.has(type)) {
      const calls = answerOf(span.spanData);
      // No answer on the span (sensitive data off): the turn's calls are its function spans.
      if (calls === undefined && !span.error) run.held = [];
      else this.answer(run, run.session, calls ?? []);
    } else if (type === 'function') {
      const held = run.held?.find((h) => h.span.spanId === span.spanId);
      if (held) held.ended = true;
      else this.ended(run, run.session, span);
    }
  }

  private answer(run: Run, session: ObservedSession, calls: readonly ModelCall[]): void {
    session.modelAnswered(calls);
    for (const c of calls) run.calls.push({ ...c, span: undefined, ended: false });
  }

  private ended(run: Run, session: ObservedSession, span: AgentsSpan): void {
    const call = run.bySpan.get(span.spanId);
    if (!call) return;
    call.ended = true;
    const output = span.spanData.output;
    const ok = span.error === null;
    const parsed = parseInput(output);
    // A call a Causelane executor ran: its span includes the queue wait, so its state would mislead.
    const declared = ok && !wasEnforced(span.spanData) ? this.options.tools?.[call.name] : undefined;
    const state = declaredState(declared, call.name, call.args, parsed.ok ? parsed.value : output);
    session.toolEnded(call.id, {
      ok,
      ...(ok ? { result: output } : { error: span.error?.message ?? 'failed' }),
      ...(state?.reads ? { reads: state.reads } : {}),
      ...(state?.writes ? { writes: state.writes } : {}),
    });
  }

  /** Closes a held turn: its calls are the function spans that ran, with ids made from their spans. */
  private release(run: Run, session: ObservedSession): void {
    const held = run.held;
    if (!held) return;
    run.held = undefined;
    const calls = held.map((h) => {
      const parsed = parseInput(h.span.spanData.input ?? '');
      return {
        id: `fn_${h.span.spanId}`,
        name: String(h.span.spanData.name),
        args: parsed.ok ? parsed.value : {},
      };
    });
    this.answer(run, session, calls);
    held.forEach((h, i) => {
      const call = run.calls[run.calls.length - calls.length + i]!;
      call.span = h.span.spanId;
      run.bySpan.set(h.span.spanId, call);
      session.toolStarted(call.id);
      if (h.ended) this.ended(run, session, h.span);
    });
  }

  async onTraceEnd(trace: AgentsTrace): Promise<void> {
    const run = this.runs.get(trace.traceId);
    if (!run) return;
    this.runs.delete(trace.traceId);
    if (run.session) {
      this.release(run, run.session);
      run.session.end('ok');
    }
    const p = run.tracer.close().catch((err: Error) => this.report(err));
    this.closing.add(p);
    await p.finally(() => this.closing.delete(p));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.closing]);
    await this.options.sink.flush();
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => this.onTraceEnd(r.trace)));
    await this.forceFlush();
    await this.options.sink.close();
  }
}
