// Agents without a root span (OpenAI Agents SDK + OpenInference, LangGraph + Traceloop: each model
// call its own trace), recorded by the real packages and streamed live to a collector on port 0
// through the real OTLP exporters (HTTP JSON, HTTP protobuf, gRPC), span by span and in small
// batches, in end order and with the first model call sent last: the run list ends equal to the
// file import, and no export shows a false error.
import { analyzeRuns, anomalyKey } from '@causelane/analysis';
import { importOtlpJsonDetailed } from '@causelane/importers';
import {
  type MockLlm,
  otlpJsonOf,
  runLangGraphAgent,
  runOpenAiAgentsAgent,
  SLOW_CALL,
  spanCapture,
  startMockLlm,
} from '@causelane/importers/testing/recorders';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anomalyKeys, listedRuns } from '../../testing/otlp-exporters.ts';
import { startTestCollector, type TestCollector } from '../../testing/test-collector.ts';

interface Recording {
  spans: ReadableSpan[];
  /** The file import of the same spans: run ids and `run|type|severity|turn|call` anomaly keys. */
  runs: string[];
  anomalies: string[];
}

const recordings = new Map<string, Recording>();
let llm: MockLlm;

async function record(name: string, play: () => Promise<unknown>): Promise<void> {
  await spanCapture().takeSpans();
  await play();
  const spans = await spanCapture().takeSpans();
  const file = importOtlpJsonDetailed(otlpJsonOf(spans));
  const anomalies = analyzeRuns(file.runs).anomalies.map(anomalyKey).sort();
  recordings.set(name, { spans, runs: [...file.runs.keys()].sort(), anomalies });
}

beforeAll(async () => {
  spanCapture();
  llm = await startMockLlm();
  const agents = (agent: 'correct' | 'impatient') => () =>
    runOpenAiAgentsAgent({ api: 'responses', stream: false, agent, baseURL: llm.url });
  const langgraph = (agent: 'correct' | 'impatient') => () =>
    runLangGraphAgent({ by: 'traceloop', stream: false, agent, baseURL: llm.url });
  // LangGraph first: the OpenInference patch of the `openai` module (for the Agents SDK) would
  // also trace LangChain's OpenAI client.
  await record('langgraph-traceloop correct', langgraph('correct'));
  await record('langgraph-traceloop impatient', langgraph('impatient'));
  await record('agents-sdk correct', agents('correct'));
  await record('agents-sdk impatient', agents('impatient'));
}, 60_000);
afterAll(() => llm?.close());

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.dispose();
  c = undefined;
});

type Transport = 'http/json' | 'http/protobuf' | 'grpc';
function exporterFor(t: Transport, col: TestCollector): SpanExporter {
  if (t === 'grpc') return new GrpcExporter({ url: `http://127.0.0.1:${col.otlpGrpcPort}` });
  const url = `${col.url}/v1/traces`;
  return t === 'http/json' ? new JsonExporter({ url }) : new ProtoExporter({ url });
}

function exportBatch(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))),
  );
}

const endNs = (s: ReadableSpan) => s.endTime[0] * 1e9 + s.endTime[1];
/** OpenInference LLM spans (Agents SDK) and Traceloop's `chat.open.a.i` spans (LangGraph). */
const isModelCall = (s: ReadableSpan) =>
  s.attributes['openinference.span.kind'] === 'LLM' ||
  s.attributes['traceloop.span.kind'] === 'llm' ||
  s.name.startsWith('chat');

/** Every run's anomalies as a browser reads them, as `run|type|severity|turn|call` keys. */
async function liveAnomalies(col: TestCollector): Promise<{ runs: string[]; anomalies: string[] }> {
  const runs = (await listedRuns(col)).map((r) => r.id).sort();
  const anomalies = (await Promise.all(runs.map((r) => anomalyKeys(col, r)))).flat().sort();
  return { runs, anomalies };
}

describe.each(['http/json', 'http/protobuf', 'grpc'] as const)(
  'rootless agents streamed live over %s',
  (transport) => {
    describe.each([1, 3])('in batches of %i span(s), in end order', (batch) => {
      it.each(['agents-sdk correct', 'langgraph-traceloop correct'])(
        '%s: one run equal to the file import, and no false error after any export',
        async (name) => {
          const rec = recordings.get(name)!;
          expect(rec.runs).toHaveLength(1);
          expect(rec.anomalies.filter((k) => !k.includes('|info|'))).toEqual([]);
          c = await startTestCollector({ otlpGrpcPort: 0 });
          const exporter = exporterFor(transport, c);
          const spans = [...rec.spans].sort((a, b) => endNs(a) - endNs(b));
          try {
            for (let i = 0; i < spans.length; i += batch) {
              await exportBatch(exporter, spans.slice(i, i + batch));
              const now = await liveAnomalies(c);
              expect(now.anomalies.filter((k) => !k.includes('|info|'))).toEqual([]);
              expect(now.runs.length).toBeLessThanOrEqual(1);
            }
          } finally {
            await exporter.shutdown();
          }
          expect(await liveAnomalies(c)).toEqual({ runs: rec.runs, anomalies: rec.anomalies });
        },
      );

      it.each(['agents-sdk correct', 'langgraph-traceloop correct'])(
        '%s with its first model-call span sent last: no false error meanwhile, then the file import',
        async (name) => {
          const rec = recordings.get(name)!;
          c = await startTestCollector({ otlpGrpcPort: 0 });
          const exporter = exporterFor(transport, c);
          const spans = [...rec.spans].sort((a, b) => endNs(a) - endNs(b));
          const first = spans.findIndex((s) => isModelCall(s));
          expect(first).toBeGreaterThanOrEqual(0);
          spans.push(...spans.splice(first, 1));
          try {
            for (let i = 0; i < spans.length; i += batch) {
              await exportBatch(exporter, spans.slice(i, i + batch));
              const now = await liveAnomalies(c);
              expect(now.anomalies.filter((k) => !k.includes('|info|'))).toEqual([]);
            }
          } finally {
            await exporter.shutdown();
          }
          expect(await liveAnomalies(c)).toEqual({ runs: rec.runs, anomalies: rec.anomalies });
        },
      );

      it.each(['agents-sdk impatient', 'langgraph-traceloop impatient'])(
        '%s: one run with the anomalies of the file import, on the slow call',
        async (name) => {
          const rec = recordings.get(name)!;
          expect(rec.runs).toHaveLength(1);
          expect(rec.anomalies.filter((k) => !k.includes('|info|'))).toEqual([
            `${rec.runs[0]}|late-commit|error|1|${SLOW_CALL}`,
            `${rec.runs[0]}|premature-llm-call|error|2|${SLOW_CALL}`,
          ]);
          c = await startTestCollector({ otlpGrpcPort: 0 });
          const exporter = exporterFor(transport, c);
          const spans = [...rec.spans].sort((a, b) => endNs(a) - endNs(b));
          try {
            for (let i = 0; i < spans.length; i += batch)
              await exportBatch(exporter, spans.slice(i, i + batch));
          } finally {
            await exporter.shutdown();
          }
          expect(await liveAnomalies(c)).toEqual({ runs: rec.runs, anomalies: rec.anomalies });
        },
      );
    });
  },
);
