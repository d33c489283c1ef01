// Test support: the scripted agent run of record-genai-agent.ts as binary OTLP protobuf, serialised
// by the real OpenTelemetry JS serializer (what the OTLP/HTTP protobuf and gRPC exporters send).
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type AgentScript, playAgentScript } from './record-genai-agent.ts';

/** The script as a binary ExportTraceServiceRequest, via InMemorySpanExporter + ProtobufTraceSerializer. */
export function recordAgentOtlpProtobuf(script: AgentScript, serviceName = 'trip-agent'): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  playAgentScript(provider, script);
  const bytes = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  if (!bytes) throw new Error('the OTLP protobuf serializer returned nothing');
  return bytes;
}
