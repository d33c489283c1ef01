// traceAi on an agent that also exports OpenTelemetry spans (AI SDK 6 `experimental_telemetry`):
// each tool's reads and writes land on its `ai.toolCall` span as the `causelane.state.*` attribute
// convention, so the OTLP importer proves the same stale read from the spans alone.

import { createOpenAI } from '@ai-sdk/openai';
import { analyzeEvents } from '@causelane/analysis';
import { importOtlpJson } from '@causelane/importers';
import { trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import * as ai from 'ai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { MemorySink } from '../../sinks/memory-sink.ts';
import {
  LEDGER_DECLARATIONS,
  LEDGER_PLAN,
  LEDGER_PROMPT,
  Ledger,
  verdict,
} from '../../testing/ledger-agent.ts';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm-server.ts';
import { Tracer } from '../../tracer.ts';
import { STATE_ATTRIBUTES } from '../core/tool-state.ts';
import { traceAi } from './ai-adapter.ts';

let mock: MockLlm;
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(async () => {
  mock = await startMockLlm(LEDGER_PLAN, 'The balance is 110.');
  provider.register();
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  await mock.close();
});

it('puts declared state on the SDK’s tool spans, and the OTLP import flags the stale read too', async () => {
  const sink = new MemorySink();
  const tracer = new Tracer({ sinks: [sink] });
  const adapter = traceAi({ tracer, tools: LEDGER_DECLARATIONS, otel: trace });
  const ledger = new Ledger();
  const openai = createOpenAI({ baseURL: mock.url, apiKey: 'test-key' });
  await ai.generateText({
    model: ai.wrapLanguageModel({ model: openai.chat('gpt-4o-mini'), middleware: adapter.middleware }),
    tools: adapter.tools({
      balance: ai.tool({
        inputSchema: z.object({ account: z.string() }),
        execute: () => ledger.readBalance(),
      }),
      deposit: ai.tool({
        inputSchema: z.object({ account: z.string(), amount: z.number() }),
        execute: (a) => ledger.deposit(a.amount),
      }),
      audit: ai.tool({ inputSchema: z.object({ note: z.string() }), execute: (a) => ledger.audit(a.note) }),
    }),
    stopWhen: ai.stepCountIs(4),
    prompt: LEDGER_PROMPT,
    experimental_telemetry: { isEnabled: true, functionId: 'bookkeeper' },
  });
  await adapter.end();
  await tracer.close();
  expect(verdict(sink.events)).toEqual(['stale-read|error|call_balance']);

  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  const toolSpan = (id: string) =>
    spans.find((s) => s.name === 'ai.toolCall' && s.attributes['ai.toolCall.id'] === id)!.attributes;
  expect(JSON.parse(String(toolSpan('call_balance')[STATE_ATTRIBUTES.reads]))).toEqual([
    { key: 'account:a', version: 1 },
  ]);
  expect(JSON.parse(String(toolSpan('call_deposit')[STATE_ATTRIBUTES.writes]))).toEqual([
    { key: 'account:a', version: 2 },
  ]);
  expect(toolSpan('call_audit')[STATE_ATTRIBUTES.reads]).toBeUndefined();

  const otlp = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest([...spans])!));
  const runs = [...importOtlpJson(otlp).values()];
  expect(runs).toHaveLength(1);
  const types = analyzeEvents(runs[0]!).anomalies.map((a) => `${a.type}|${a.severity}|${a.call}`);
  expect(types).toContain('stale-read|error|call_balance');
});
