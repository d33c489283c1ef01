// The OpenTelemetry bridge: a SpanProcessor for @opentelemetry/sdk-trace-base 2.x that turns the
// GenAI spans of an already-instrumented agent (OpenLLMetry, OpenInference, hand-written spans
// following the GenAI conventions) into format-v1 events and streams them to a TraceSink live.
// The mapping is the OTLP importer's. What a span is, is decided when it ends (attributes set after
// start count), and events wait until no open span can still come before them (live-runs.ts).
import { type GenAiSpan, genAiSpanFrom } from '@causelane/importers';
import type { TraceEvent } from '@causelane/trace-schema';
import { type Context, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TraceSink } from '../sinks/trace-sink.ts';
import { LiveRuns } from './live-runs.ts';
import { OpenSpans } from './open-spans.ts';

export interface CauselaneSpanProcessorOptions {
  sink: TraceSink;
  /** A failed sink write, or a span that cannot be read; the default writes one line to stderr. */
  onError?: (err: Error) => void;
}

const hrToMs = (t: readonly [number, number]) => t[0] * 1000 + t[1] / 1e6;

function toGenAiSpan(span: ReadableSpan): GenAiSpan | null {
  const ctx = span.spanContext();
  const service = span.resource.attributes['service.name'];
  const parent = span.parentSpanContext?.spanId;
  return genAiSpanFrom({
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: span.name,
    startMs: hrToMs(span.startTime),
    endMs: hrToMs(span.endTime),
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes ?? {} })),
    error: span.status.code === SpanStatusCode.ERROR,
    ...(span.status.message ? { statusMessage: span.status.message } : {}),
    ...(typeof service === 'string' ? { service } : {}),
    where: `span ${span.name} (${ctx.spanId})`,
  });
}

export class CauselaneSpanProcessor implements SpanProcessor {
  /** Every span still running, whatever it looks like now: its kind may be set before it ends. */
  private readonly open = new OpenSpans();
  private readonly runs: LiveRuns;
  private writing: Promise<void> = Promise.resolve();
  private readonly onError: (err: Error) => void;

  constructor(private readonly options: CauselaneSpanProcessorOptions) {
    this.onError =
      options.onError ?? ((err) => process.stderr.write(`causelane otel bridge: ${err.message}\n`));
    this.runs = new LiveRuns('otel-bridge', (_run, message) => this.onError(new Error(message)));
  }

  onStart(span: Span, _parentContext: Context): void {
    this.open.start(span);
  }

  onEnd(span: ReadableSpan): void {
    let mapped: GenAiSpan | null = null;
    try {
      mapped = toGenAiSpan(span);
    } catch (err) {
      // A span with unreadable message attributes must not break the agent; report and skip it.
      this.onError(err as Error);
    }
    this.open.end(span.spanContext().spanId, mapped !== null && mapped.kind !== 'agent');
    if (mapped) this.runs.add(mapped);
    // Any span's end can release events another span held back.
    this.send(this.runs.drain(this.open));
  }

  /** Writes are chained: the sink is never called concurrently and batches keep their order. */
  private send(batch: TraceEvent[]): void {
    if (batch.length === 0) return;
    this.writing = this.writing
      .then(() => this.options.sink.write(batch).then(() => undefined))
      .catch((err: Error) => this.onError(err));
  }

  /** Sends everything held back (spans still open are treated as absent), then flushes the sink. */
  async forceFlush(): Promise<void> {
    this.send(this.runs.drain(this.open, true));
    await this.writing;
    await this.options.sink.flush();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this.options.sink.close();
  }
}
