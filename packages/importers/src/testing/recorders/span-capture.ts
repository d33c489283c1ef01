// Test support: one global OpenTelemetry tracer provider per test process (instrumentations use the
// global API) that keeps finished spans in memory and hands them out as an OTLP JSON request.
import { context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface SpanCapture {
  provider: NodeTracerProvider;
  /** Finished spans since the last take, as one OTLP JSON ExportTraceServiceRequest; then forgets them. */
  takeOtlp(): Promise<unknown>;
  /** Finished spans since the last take, as the SDK hands them to an exporter; then forgets them. */
  takeSpans(): Promise<ReadableSpan[]>;
}

let capture: SpanCapture | undefined;

/** Finished spans as one OTLP JSON ExportTraceServiceRequest, as the JSON exporter would send them. */
export function otlpJsonOf(spans: readonly ReadableSpan[]): unknown {
  const bytes = JsonTraceSerializer.serializeRequest([...spans]);
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The process's capture, registered as the global tracer provider on first use. */
export function spanCapture(serviceName = 'agent-under-test'): SpanCapture {
  if (capture) return capture;
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  capture = {
    provider,
    async takeOtlp() {
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans();
      exporter.reset();
      return otlpJsonOf(spans);
    },
    async takeSpans() {
      await provider.forceFlush();
      const spans = [...exporter.getFinishedSpans()];
      exporter.reset();
      return spans;
    },
  };
  return capture;
}

/** Runs `fn` inside a fresh root span, as an app that wraps its agent run would. */
export async function inRootSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const tracer = trace.getTracer('agent-app');
  const span = tracer.startSpan(name);
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } finally {
    span.end();
  }
}
