// The bridge under OpenLLMetry's own SDK (@traceloop/node-server-sdk initialize, withWorkflow,
// withTool) on the real `openai` client against a loopback mock LLM. withTool sets
// traceloop.span.kind after the span starts: the stream must still hold each event once.
import { analyzeEvents } from '@causelane/analysis';
import { MOCK_CALLS, type MockLlm, runMockTool, SLOW_CALL, startMockLlm } from '@causelane/importers/testing';
import type { TraceEvent } from '@causelane/trace-schema';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import * as traceloop from '@traceloop/node-server-sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink } from '../sinks/memory-sink.ts';
import { CauselaneSpanProcessor } from './causelane-span-processor.ts';

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } },
  { type: 'function', function: { name: 'clock', parameters: { type: 'object', properties: {} } } },
];

let llm: MockLlm;
let sink: MemorySink;
let processor: CauselaneSpanProcessor;
const errors: string[] = [];

beforeAll(async () => {
  process.env.OTEL_METRICS_EXPORTER = 'none';
  process.env.OTEL_LOGS_EXPORTER = 'none';
  llm = await startMockLlm();
  sink = new MemorySink();
  processor = new CauselaneSpanProcessor({ sink, onError: (e) => errors.push(e.message) });
  traceloop.initialize({
    appName: 'weather-agent',
    baseUrl: 'http://127.0.0.1:9',
    exporter: new InMemorySpanExporter(),
    processor,
    disableBatch: true,
    traceloopSyncEnabled: false,
    silenceInitializationMessage: true,
    // The SDK's own openai types may be another major than ours; the instrumentation patches either.
    instrumentModules: { openAI: OpenAI as never },
  });
});

afterAll(async () => {
  await llm?.close();
});

/** A tool loop; `impatient` sends the next request before the slow call is back. */
async function agent(client: OpenAI, impatient: boolean): Promise<void> {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'user', content: 'Weather in Paris and Tokyo, and the time in UTC?' },
  ];
  const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
  const first = (await ask()).choices[0]!.message;
  const calls = (first.tool_calls ?? []).filter((c) => c.type === 'function');
  expect(calls.map((c) => c.id)).toEqual(MOCK_CALLS.map((c) => c.id));
  messages.push({ role: 'assistant', content: null, tool_calls: calls });
  // Each tool in OpenLLMetry's withTool span, all three in parallel.
  const results = calls.map((c) =>
    traceloop.withTool({ name: c.function.name }, () =>
      runMockTool(c.function.name, JSON.parse(c.function.arguments)),
    ),
  );
  const push = async (i: number) =>
    messages.push({ role: 'tool', tool_call_id: calls[i]!.id, content: await results[i]! });
  const slow = calls.findIndex((c) => c.id === SLOW_CALL);
  for (const i of calls.keys()) if (!impatient || i !== slow) await push(i);
  await ask();
  if (!impatient) return;
  await push(slow);
  await ask();
}

/** The run's events, and how many were streamed while the workflow span was still open. */
async function recordRun(conversationId: string, impatient: boolean) {
  const client = new OpenAI({ baseURL: llm.url, apiKey: 'test-key' });
  const mine = () => sink.events.filter((e) => e.run === conversationId);
  let live = 0;
  await traceloop.withConversation(conversationId, () =>
    traceloop.withWorkflow({ name: 'weather-agent' }, async () => {
      await agent(client, impatient);
      await new Promise((r) => setTimeout(r, 0));
      live = mine().length;
    }),
  );
  await processor.forceFlush();
  expect(errors).toEqual([]);
  return { events: mine(), live };
}

/** Each event is sent once: no seq twice, no call started, ended or committed twice, no turn answered twice. */
function expectEachOnce(events: readonly TraceEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  const keys = events.map((e) => `${e.type}|${'turn' in e ? e.turn : ''}|${'call' in e ? e.call : ''}`);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
}

describe('CauselaneSpanProcessor under @traceloop/node-server-sdk (withWorkflow, withTool)', () => {
  it('a correct agent: each start once, each end once, nothing above info', async () => {
    const { events, live } = await recordRun('conv-traceloop-ok', false);
    expectEachOnce(events);
    // Live: all but what the last model call may still change was sent inside the workflow span.
    expect(live).toBeGreaterThanOrEqual(events.length - 2);
    const ofType = (t: string) => events.filter((e) => e.type === t);
    expect(ofType('run.start')).toHaveLength(1);
    expect(ofType('llm.request').map((e) => ('turn' in e ? e.turn : 0))).toEqual([1, 2]);
    expect(ofType('llm.response').map((e) => ('turn' in e ? e.turn : 0))).toEqual([1, 2]);
    const ids = MOCK_CALLS.map((c) => c.id).sort();
    for (const t of ['tool.start', 'tool.end', 'tool.commit'])
      expect(
        ofType(t)
          .map((e) => ('call' in e ? e.call : ''))
          .sort(),
        t,
      ).toEqual(ids);
    const serious = analyzeEvents(events).anomalies.filter((a) => a.severity !== 'info');
    expect(serious).toEqual([]);
  });

  it('an impatient agent: the stream stays whole and the slow call is flagged', async () => {
    const { events } = await recordRun('conv-traceloop-impatient', true);
    expectEachOnce(events);
    const serious = analyzeEvents(events)
      .anomalies.filter((a) => a.severity !== 'info')
      .map((a) => `${a.type}|${a.turn}|${a.call}`)
      .sort();
    expect(serious).toContain(`premature-llm-call|2|${SLOW_CALL}`);
    for (const key of serious) expect(key.endsWith(`|${SLOW_CALL}`), key).toBe(true);
  });

  it('no root span and no conversation id: the model calls and tools still stream as one run', async () => {
    const before = new Set(sink.events.map((e) => e.run));
    await agent(new OpenAI({ baseURL: llm.url, apiKey: 'test-key' }), false);
    await processor.forceFlush();
    expect(errors).toEqual([]);
    const fresh = sink.events.filter((e) => !before.has(e.run));
    expect([...new Set(fresh.map((e) => e.run))]).toHaveLength(1);
    expectEachOnce(fresh);
    expect(fresh.filter((e) => e.type === 'tool.commit')).toHaveLength(MOCK_CALLS.length);
    expect(analyzeEvents(fresh).anomalies.filter((a) => a.severity !== 'info')).toEqual([]);
  });
});
