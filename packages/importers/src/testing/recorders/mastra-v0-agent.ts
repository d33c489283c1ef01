// Test support: the weather agent on the real Mastra 0.24 (@mastra/core 0.24.9 as mastra-core-v0,
// AI tracing exported by @mastra/otel-exporter 0.3.3 into our exporter), against the mock LLM.
// Call registerMastraV0Resolver() before importing this module (see mastra-v0-resolve-hook.mjs).

import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createOpenAI } from 'ai-sdk-openai-v2';
import { Mastra } from 'mastra-core-v0';
import { Agent } from 'mastra-core-v0/agent';
import { createTool } from 'mastra-core-v0/tools';
import { OtelExporter } from 'mastra-otel-exporter-v0';
import { z } from 'zod';
import { runMockTool } from './mock-llm-server.ts';

const finished: ReadableSpan[] = [];
const exporter: SpanExporter = {
  export(spans, done) {
    finished.push(...spans);
    done({ code: 0 });
  },
  shutdown: async () => {},
  forceFlush: async () => {},
};

export async function runMastraV0Agent(r: {
  api: 'chat' | 'responses';
  stream: boolean;
  baseURL: string;
}): Promise<unknown> {
  const provider = createOpenAI({ baseURL: r.baseURL, apiKey: 'test-key' });
  // 0.x tools get { context } (the validated input) as their first argument.
  const weather = createTool({
    id: 'weather',
    description: 'Current weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ context }: { context: { city: string } }) => runMockTool('weather', context),
  } as never);
  const clock = createTool({
    id: 'clock',
    description: 'Current time in a zone',
    inputSchema: z.object({ zone: z.string() }),
    execute: async ({ context }: { context: { zone: string } }) => runMockTool('clock', context),
  } as never);
  const agent = new Agent({
    name: 'weather-agent',
    instructions: 'Answer briefly.',
    model: (r.api === 'chat' ? provider.chat('gpt-4o-mini') : provider.responses('gpt-4o-mini')) as never,
    tools: { weather, clock },
  });
  const otel = new OtelExporter({
    exporter,
    provider: { custom: { endpoint: 'http://127.0.0.1:9/v1/traces', protocol: 'http/json' } },
  } as never);
  const mastra = new Mastra({
    agents: { weatherAgent: agent },
    observability: { configs: { otel: { serviceName: 'mastra-v0-agent', exporters: [otel] } } },
  } as never);
  const a = mastra.getAgent('weatherAgent');
  const prompt = 'Weather in Paris and Tokyo, and the time in UTC?';
  if (r.stream) {
    const out = await a.stream(prompt, { maxSteps: 4 } as never);
    await (out as { consumeStream(): Promise<void> }).consumeStream();
  } else await a.generate(prompt, { maxSteps: 4 } as never);
  await mastra.shutdown();
  const spans = finished.splice(0);
  const bytes = JsonTraceSerializer.serializeRequest([...spans]);
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  return JSON.parse(new TextDecoder().decode(bytes));
}
