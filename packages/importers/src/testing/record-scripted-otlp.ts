// Test support for benchmarks and exactness checks: many scripted agent runs recorded by the real
// OpenTelemetry SDK into one request, with seeded (deterministic) ids, as OTLP JSON or protobuf.
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  type IdGenerator,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type AgentScript, playAgentScript, SCRIPT_T0, type ScriptDialect } from './record-genai-agent.ts';

/** Ids from a linear congruential sequence: the same seed gives the same trace and span ids. */
export class SeededIdGenerator implements IdGenerator {
  private state: number;
  constructor(seed = 1) {
    this.state = seed >>> 0 || 1;
  }
  private hex8(): string {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state.toString(16).padStart(8, '0');
  }
  generateTraceId(): string {
    return this.hex8() + this.hex8() + this.hex8() + this.hex8();
  }
  generateSpanId(): string {
    return this.hex8() + this.hex8();
  }
}

export interface ScriptedRecording {
  spans: ReadableSpan[];
  /** The spans as one OTLP JSON ExportTraceServiceRequest text (JsonTraceSerializer). */
  json(): string;
  /** The spans as one binary ExportTraceServiceRequest (ProtobufTraceSerializer). */
  protobuf(): Uint8Array;
}

export interface RecordScriptsOptions {
  dialect?: ScriptDialect;
  seed?: number;
  /** Each script starts this many ms after the previous one's start (default 100,000). */
  spacingMs?: number;
  serviceName?: string;
}

/** Plays each script in turn (one trace each, under its own agent span) on one seeded provider. */
export function recordScriptsOtlp(
  scripts: readonly AgentScript[],
  opts: RecordScriptsOptions = {},
): ScriptedRecording {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? 'trip-agent' }),
    idGenerator: new SeededIdGenerator(opts.seed),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  scripts.forEach((script, i) => {
    playAgentScript(provider, script, opts.dialect, SCRIPT_T0 + i * (opts.spacingMs ?? 100_000));
  });
  const spans = [...exporter.getFinishedSpans()];
  return {
    spans,
    json() {
      const bytes = JsonTraceSerializer.serializeRequest(spans);
      if (!bytes) throw new Error('the OTLP JSON serializer returned nothing');
      return new TextDecoder().decode(bytes);
    },
    protobuf() {
      const bytes = ProtobufTraceSerializer.serializeRequest(spans);
      if (!bytes) throw new Error('the OTLP protobuf serializer returned nothing');
      return bytes;
    },
  };
}
