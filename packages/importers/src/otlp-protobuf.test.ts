// Binary OTLP (what the OTLP/HTTP protobuf and gRPC exporters send, and `.pb` files) and the
// collector file exporter's JSON lines, against the real OpenTelemetry JS serializers: each reads
// exactly as the OTLP JSON of the same spans does.
import { SpanKind } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { importTrace } from './import-trace.ts';
import { importTraceBytes } from './import-trace-bytes.ts';
import { importOtlpJson, otlpGenAiSpans } from './otlp-json.ts';
import { readOtlpJsonLines } from './otlp-json-lines.ts';
import { decodeOtlpProtobuf, encodeOtlpProtobufResponse, isOtlpProtobuf } from './otlp-protobuf.ts';
import { impatientAgentScript, playAgentScript } from './testing/record-genai-agent.ts';

/** One recording of the script, so both encodings carry the same ids. */
function recorded(extra?: (provider: BasicTracerProvider) => void): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'trip-agent', 'process.pid': 4242 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  playAgentScript(provider, impatientAgentScript('conv-pb'));
  extra?.(provider);
  return exporter.getFinishedSpans();
}
const asJson = (spans: ReadableSpan[]) =>
  JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!)) as {
    resourceSpans: unknown[];
  };
const asProtobuf = (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans)!;
const encoder = new TextEncoder();

describe('OTLP protobuf', () => {
  it('reads the same runs as the OTLP JSON of the same spans, ids in hex', () => {
    const spans = recorded();
    const fromPb = importTraceBytes(asProtobuf(spans), { source: 'trace.pb' });
    expect(fromPb).toMatchObject({ ok: true, format: 'otlp' });
    if (!fromPb.ok) return;
    expect(fromPb.runs).toEqual(importOtlpJson(asJson(spans)));
    const start = fromPb.runs.get('conv-pb')![0]!;
    expect(start).toMatchObject({ type: 'run.start', meta: { traceIds: [spans[0]!.spanContext().traceId] } });
  });

  it('keeps every attribute type, events, status and the resource as the JSON encoding does', () => {
    const spans = recorded((provider) => {
      const tracer = provider.getTracer('t');
      const s = tracer.startSpan('execute_tool odd', {
        kind: SpanKind.INTERNAL,
        startTime: 1_760_000_000_100,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'odd',
          'gen_ai.tool.call.id': 'call_odd',
          'x.int': 9_007_199_254_740_000,
          'x.double': 0.25,
          'x.bool': false,
          'x.list': ['a', 'b'],
          'x.empty': '',
        },
      });
      s.addEvent('gen_ai.tool.message', { 'x.n': 3 }, 1_760_000_000_101);
      s.setStatus({ code: 2, message: 'tool failed' });
      s.end(1_760_000_000_105);
    });
    const fromPb = otlpGenAiSpans([decodeOtlpProtobuf(asProtobuf(spans))]);
    expect(fromPb).toEqual(otlpGenAiSpans([asJson(spans)]));
    expect(fromPb.find((s) => s.kind === 'tool' && s.callId === 'call_odd')).toMatchObject({
      ok: false,
      error: 'tool failed',
      process: expect.stringContaining('4242'),
    });
  });

  it('names truncated or foreign bytes instead of guessing', () => {
    const pb = asProtobuf(recorded());
    const cut = importTraceBytes(pb.subarray(0, pb.length - 7), { source: 'cut.pb' });
    expect(cut).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^cut\.pb: \$: not a valid OTLP protobuf ExportTraceServiceRequest \(/)],
    });
    const latin1 = importTraceBytes(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), { source: 'x.bin' });
    expect(latin1).toEqual({ ok: false, errors: [expect.stringMatching(/^x\.bin: neither UTF-8 text/)] });
  });

  it('tells binary from text by content: a JSONL file may start with a blank line', () => {
    expect(isOtlpProtobuf(asProtobuf(recorded()))).toBe(true);
    const jsonl = '\n{"v":1,"run":"r","seq":0,"t":0,"type":"run.start","mode":"causal"}\n';
    expect(isOtlpProtobuf(encoder.encode(jsonl))).toBe(false);
    expect(isOtlpProtobuf(encoder.encode('\n\n\t{"resourceSpans":[]}'))).toBe(false);
    expect(isOtlpProtobuf(new Uint8Array())).toBe(false);
    const text = importTraceBytes(encoder.encode(jsonl), { source: 'a.jsonl' });
    expect(text).toMatchObject({ ok: true, format: 'jsonl' });
  });

  it('encodes the Export response, with partialSuccess when spans were rejected', () => {
    expect(encodeOtlpProtobufResponse().length).toBe(0);
    const partial = encodeOtlpProtobufResponse({ rejectedSpans: 2, errorMessage: 'no agent spans' });
    const decoded = ProtobufTraceSerializer.deserializeResponse(partial) as {
      partialSuccess?: { rejectedSpans?: unknown; errorMessage?: string };
    };
    expect(Number(decoded.partialSuccess?.rejectedSpans)).toBe(2);
    expect(decoded.partialSuccess?.errorMessage).toBe('no agent spans');
  });
});

describe('the collector file exporter (JSON lines of ExportTraceServiceRequest)', () => {
  /** The spans cut over three requests, one per line, as the file exporter appends batches. */
  function fileExporterText(spans: ReadableSpan[], eol = '\n'): string {
    const thirds = [spans.slice(0, 3), spans.slice(3, 5), spans.slice(5)];
    return thirds.map((s) => JSON.stringify(asJson(s))).join(eol) + eol;
  }

  it('imports every line as one trace, equal to a one-shot import of all the spans', () => {
    const spans = recorded();
    const text = fileExporterText(spans);
    const res = importTrace(text, { source: 'otel.jsonl' });
    expect(res).toMatchObject({ ok: true, format: 'otlp' });
    if (res.ok) expect(res.runs).toEqual(importOtlpJson(asJson(spans)));
    const crlf = importTrace(`\n${fileExporterText(spans, '\r\n')}\n\n`, { source: 'otel.jsonl' });
    expect(crlf.ok && crlf.runs).toEqual(res.ok && res.runs);
  });

  it('names a bad line in OTLP terms, not as a format-v1 error', () => {
    const [a, b] = fileExporterText(recorded()).split('\n');
    const cut = importTrace(`${a}\n${b}\n${b!.slice(0, 40)}\n`, { source: 'otel.jsonl' });
    expect(cut).toEqual({
      ok: false,
      errors: [
        expect.stringMatching(
          /^otel\.jsonl: line 3: not valid JSON \(.*\); each line of an OTLP file-exporter file/,
        ),
      ],
    });
    const metrics = importTrace(`${a}\n{"resourceMetrics":[]}\n`, { source: 'otel.jsonl' });
    expect(metrics).toEqual({
      ok: false,
      errors: [
        'otel.jsonl: line 2: holds resourceMetrics, not traces: a file-exporter file must hold traces only (a pipeline of its own for traces)',
      ],
    });
    expect(readOtlpJsonLines('{"v":1,"run":"r"}\n{"resourceSpans":[]}\n')).toBeNull();
  });
});
