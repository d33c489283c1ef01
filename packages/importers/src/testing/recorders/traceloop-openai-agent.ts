// Test support: a hand-written tool loop on the real `openai` 5 client (OpenLLMetry 0.22 supports
// openai < 6), traced by @traceloop/instrumentation-openai 0.22 (flattened gen_ai.prompt.N) or 0.27.
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai-v5';
import { OpenAIInstrumentation as OpenAIInstrumentation027 } from 'traceloop-instrumentation-openai-v27';
import { MOCK_CALLS, runMockTool, SLOW_CALL } from './mock-llm-server.ts';
import { inRootSpan, spanCapture } from './span-capture.ts';

export type TraceloopVersion = '0.22' | '0.27';
let instrumented: TraceloopVersion | undefined;

/** One OpenLLMetry version per test process: 0.22.5 (the package) or 0.27.0 (its alias). */
export function instrumentOpenAiV5(version: TraceloopVersion): void {
  if (instrumented) {
    if (instrumented !== version)
      throw new Error(`openai already instrumented by OpenLLMetry ${instrumented}`);
    return;
  }
  instrumented = version;
  const inst =
    version === '0.22'
      ? new OpenAIInstrumentation({ enrichTokens: false })
      : new OpenAIInstrumentation027({ enrichTokens: false });
  inst.setTracerProvider(spanCapture().provider);
  inst.manuallyInstrument(OpenAI as never);
}

export interface TraceloopRun {
  version?: TraceloopVersion;
  stream: boolean;
  agent: 'correct' | 'impatient';
  /** Wrap the loop in an app-level span (one trace); without it each model call is its own trace. */
  root: boolean;
  baseURL: string;
}

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  },
  {
    type: 'function',
    function: { name: 'clock', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
  },
];

async function loop(r: TraceloopRun, client: OpenAI) {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'user', content: 'Weather in Paris and Tokyo, and the time in UTC?' },
  ];
  const ask = async () => {
    if (!r.stream)
      return (await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools })).choices[0]!
        .message;
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      tools,
      stream: true,
    });
    const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
    for await (const chunk of stream)
      for (const tc of chunk.choices[0]?.delta.tool_calls ?? [])
        calls[tc.index] = {
          id: tc.id!,
          type: 'function',
          function: { name: tc.function!.name!, arguments: tc.function!.arguments! },
        };
    return { role: 'assistant' as const, content: null, tool_calls: calls };
  };
  const first = await ask();
  const calls = (first.tool_calls ?? []).filter((c) => c.type === 'function');
  if (calls.length !== MOCK_CALLS.length) throw new Error(`mock LLM asked for ${calls.length} calls`);
  messages.push({ role: 'assistant', content: null, tool_calls: calls });
  const results = calls.map((c) => runMockTool(c.function.name, JSON.parse(c.function.arguments)));
  if (r.agent === 'correct') {
    for (const [i, c] of calls.entries())
      messages.push({ role: 'tool', tool_call_id: c.id, content: await results[i]! });
    await ask();
    return;
  }
  for (const [i, c] of calls.entries())
    if (c.id !== SLOW_CALL) messages.push({ role: 'tool', tool_call_id: c.id, content: await results[i]! });
  await ask();
  const slow = calls.findIndex((c) => c.id === SLOW_CALL);
  messages.push({ role: 'tool', tool_call_id: SLOW_CALL, content: await results[slow]! });
  await ask();
}

export async function runTraceloopOpenAiAgent(r: TraceloopRun): Promise<void> {
  instrumentOpenAiV5(r.version ?? '0.22');
  const client = new OpenAI({ baseURL: r.baseURL, apiKey: 'test-key' });
  await (r.root ? inRootSpan('weather-agent', () => loop(r, client)) : loop(r, client));
}
