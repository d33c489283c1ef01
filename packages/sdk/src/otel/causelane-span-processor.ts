// The OpenTelemetry bridge: a SpanProcessor for @opentelemetry/sdk-trace-base 2.x that turns the
// GenAI spans of an already-instrumented agent (OpenLLMetry, OpenInference, hand-written spans
// following the GenAI conventions) into format-v1 events and streams them to a TraceSink live.
// The mapping is the OTLP importer's; this file only decides when events are final.
import { type GenAiSpan, genAiKindOf, genAiSpanFrom, IncrementalSpanImporter } from '@causelane/importers';
import type { TraceEvent } from '@causelane/trace-schema';
import { type Context, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TraceSink } from '../sinks/trace-sink.ts';

export interface CauselaneSpanProcessorOptions {
  sink: TraceSink;
  /** A failed sink write; the default writes one line to stderr and keeps going. */
  onError?: (err: Error) => void;
}

const hrToMs = (t: readonly [number, number]) => t[0] * 1000 + t[1] / 1e6;

/** Whether a span that just started will map to events (judged from its start attributes and name). */
function looksGenAi(span: Span): boolean {
  return (
    genAiKindOf(span.attributes) !== undefined ||
    /^(chat|execute_tool|text_completion|generate_content)\b/.test(span.name)
  );
}

function toGenAiSpan(span: ReadableSpan): GenAiSpan | null {
  const ctx = span.spanContext();
  const service = span.resource.attributes['service.name'];
  return genAiSpanFrom({
    traceId: ctx.traceId,
    spanId: ctx.spanId,
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
  private readonly importer = new IncrementalSpanImporter('otel-bridge');
  /** Start times of GenAI spans still running: nothing at or after the oldest is final yet. */
  private readonly open = new Map<string, number>();
  private writing: Promise<void> = Promise.resolve();
  private readonly onError: (err: Error) => void;

  constructor(private readonly options: CauselaneSpanProcessorOptions) {
    this.onError =
      options.onError ?? ((err) => process.stderr.write(`causelane otel bridge: ${err.message}\n`));
  }

  onStart(span: Span, _parentContext: Context): void {
    if (looksGenAi(span)) this.open.set(span.spanContext().spanId, hrToMs(span.startTime));
  }

  onEnd(span: ReadableSpan): void {
    this.open.delete(span.spanContext().spanId);
    let mapped: GenAiSpan | null;
    try {
      mapped = toGenAiSpan(span);
    } catch (err) {
      // A span with unreadable message attributes must not break the agent; report and skip it.
      this.onError(err as Error);
      return;
    }
    if (!mapped) return;
    this.importer.add(mapped);
    this.send(this.importer.drain(this.watermark()));
  }

  private watermark(): number {
    let w = Infinity;
    for (const t of this.open.values()) if (t < w) w = t;
    return w;
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
    this.send(this.importer.drain(Infinity));
    await this.writing;
    await this.options.sink.flush();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this.options.sink.close();
  }
}
