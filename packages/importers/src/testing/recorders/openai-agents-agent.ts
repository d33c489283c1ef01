// Test support: the weather agent on the real OpenAI Agents SDK (@openai/agents) and, for the buggy
// loop, the real `openai` client by hand; both traced by OpenInference's OpenAI instrumentation.
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { MOCK_CALLS, runMockTool, SLOW_CALL } from './mock-llm-server.ts';
import { spanCapture } from './span-capture.ts';

let instrumented = false;

/** Patches the `openai` module once (ESM imports bypass the require hook) and silences the SDK's own exporter. */
export function instrumentOpenAi(): void {
  if (instrumented) return;
  instrumented = true;
  // The Agents SDK would send its own traces to api.openai.com: off in tests.
  setTracingDisabled(true);
  const inst = new OpenAIInstrumentation({ tracerProvider: spanCapture().provider });
  // It patches `module.OpenAI`, the shape of the CommonJS module namespace.
  inst.manuallyInstrument({ OpenAI } as never);
}

export interface AgentsRun {
  api: 'chat' | 'responses';
  stream: boolean;
  agent: 'correct' | 'impatient';
  baseURL: string;
}

const PROMPT = 'Weather in Paris and Tokyo, and the time in UTC?';

/** The SDK's own loop: runs the three calls in parallel and waits for all of them. */
async function correct(r: AgentsRun, client: OpenAI): Promise<unknown[]> {
  setDefaultOpenAIClient(client as never);
  setOpenAIAPI(r.api === 'chat' ? 'chat_completions' : 'responses');
  const weather = tool({
    name: 'weather',
    description: 'Current weather in a city',
    parameters: z.object({ city: z.string() }),
    execute: (a) => runMockTool('weather', a),
  });
  const clock = tool({
    name: 'clock',
    description: 'Current time in a zone',
    parameters: z.object({ zone: z.string() }),
    execute: (a) => runMockTool('clock', a),
  });
  const agent = new Agent({
    name: 'weather-agent',
    instructions: 'Answer briefly.',
    model: 'gpt-4o-mini',
    tools: [weather, clock],
  });
  if (r.stream) {
    const result = await run(agent, PROMPT, { stream: true });
    await result.completed;
    return result.history;
  }
  return (await run(agent, PROMPT)).history;
}

/** A hand loop on the Responses API that asks again as soon as the fast results are back. */
async function impatient(r: AgentsRun, client: OpenAI) {
  const tools = [
    {
      type: 'function' as const,
      name: 'weather',
      strict: false,
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
    {
      type: 'function' as const,
      name: 'clock',
      strict: false,
      parameters: { type: 'object', properties: { zone: { type: 'string' } } },
    },
  ];
  const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: PROMPT }];
  const ask = async () => {
    if (!r.stream) return client.responses.create({ model: 'gpt-4o-mini', input, tools });
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input, tools, stream: true });
    let done: OpenAI.Responses.Response | undefined;
    for await (const ev of stream) if (ev.type === 'response.completed') done = ev.response;
    return done!;
  };
  const first = await ask();
  const calls = first.output.filter((o) => o.type === 'function_call');
  if (calls.length !== MOCK_CALLS.length) throw new Error(`mock LLM asked for ${calls.length} calls`);
  input.push(...calls);
  const results = new Map<string, Promise<string>>(
    calls.map((c) => [c.call_id, runMockTool(c.name, JSON.parse(c.arguments))]),
  );
  for (const c of calls.filter((x) => x.call_id !== SLOW_CALL))
    input.push({ type: 'function_call_output', call_id: c.call_id, output: await results.get(c.call_id)! });
  await ask();
  // The slow result arrives after turn 2 was sent, and goes into turn 3.
  input.push({ type: 'function_call_output', call_id: SLOW_CALL, output: await results.get(SLOW_CALL)! });
  await ask();
}

/** Runs the agent; spans go to the global provider. Returns the SDK's result.history (correct agent). */
export async function runOpenAiAgentsAgent(r: AgentsRun): Promise<unknown[]> {
  instrumentOpenAi();
  const client = new OpenAI({ baseURL: r.baseURL, apiKey: 'test-key' });
  if (r.agent === 'correct') return correct(r, client);
  await impatient(r, client);
  return [];
}
