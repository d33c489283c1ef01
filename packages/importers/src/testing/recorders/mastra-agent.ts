// Test support: the weather agent on the real Mastra 1.x (@mastra/core, @mastra/observability and
// @mastra/otel-exporter, whose OtelExporter takes our in-memory span exporter), against the mock LLM.
import { Mastra } from '@mastra/core';
import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { OtelExporter } from '@mastra/otel-exporter';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createOpenAI } from 'ai-sdk-openai-v3';
import { z } from 'zod';
import { runMockTool } from './mock-llm-server.ts';

export interface MastraRun {
  api: 'chat' | 'responses';
  stream: boolean;
  baseURL: string;
}

// Keeps what Mastra's batch processor exports; unlike InMemorySpanExporter, shutting down (which
// Mastra does to flush) does not drop them.
const finished: ReadableSpan[] = [];
const exporter: SpanExporter = {
  export(spans, done) {
    finished.push(...spans);
    done({ code: 0 });
  },
  shutdown: async () => {},
  forceFlush: async () => {},
};
let otel: OtelExporter | undefined;

/** Runs the agent's own tool loop once; returns its spans as one OTLP JSON request. */
export async function runMastraAgent(r: MastraRun): Promise<unknown> {
  const provider = createOpenAI({ baseURL: r.baseURL, apiKey: 'test-key' });
  const weather = createTool({
    id: 'weather',
    description: 'Current weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async (input: { city: string }) => runMockTool('weather', input),
  });
  const clock = createTool({
    id: 'clock',
    description: 'Current time in a zone',
    inputSchema: z.object({ zone: z.string() }),
    execute: async (input: { zone: string }) => runMockTool('clock', input),
  });
  const agent = new Agent({
    id: 'weather-agent',
    name: 'weather-agent',
    instructions: 'Answer briefly.',
    model: r.api === 'chat' ? provider.chat('gpt-4o-mini') : provider.responses('gpt-4o-mini'),
    tools: { weather, clock },
  });
  // A provider is required even with a custom exporter; the endpoint is never used (our exporter is).
  otel ??= new OtelExporter({
    exporter,
    provider: { custom: { endpoint: 'http://127.0.0.1:9/v1/traces', protocol: 'http/json' } },
    signals: { logs: false },
  } as never);
  const mastra = new Mastra({
    agents: { weatherAgent: agent },
    observability: new Observability({
      configs: { otel: { serviceName: 'mastra-agent', exporters: [otel] } },
    }),
  });
  const a = mastra.getAgent('weatherAgent');
  const prompt = 'Weather in Paris and Tokyo, and the time in UTC?';
  if (r.stream) {
    const out = await a.stream(prompt, { maxSteps: 4 });
    await out.consumeStream();
  } else await a.generate(prompt, { maxSteps: 4 });
  await mastra.shutdown();
  const spans = finished.splice(0);
  const bytes = JsonTraceSerializer.serializeRequest([...spans]);
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  return JSON.parse(new TextDecoder().decode(bytes));
}
