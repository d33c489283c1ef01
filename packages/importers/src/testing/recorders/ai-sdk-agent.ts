// Test support: the weather agent written with the real Vercel AI SDK (`ai` 6 through the `ai-v6`
// alias, `ai` 7 with @ai-sdk/otel), against the mock LLM; a correct tool loop and a buggy one.
import { createOpenAI as createOpenAi7 } from '@ai-sdk/openai';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import * as ai7 from 'ai';
import { createOpenAI as createOpenAi6 } from 'ai-sdk-openai-v3';
import * as ai6 from 'ai-v6';
import { z } from 'zod';
import { MOCK_CALLS, runMockTool, SLOW_CALL } from './mock-llm-server.ts';

export type AiSdkVersion = '6' | '7-legacy' | '7-otel';
export type Api = 'chat' | 'responses';

export interface AiSdkRun {
  version: AiSdkVersion;
  api: Api;
  stream: boolean;
  /**
   * Correct: the SDK's own loop (stopWhen). Impatient: a hand loop that drops the slow call.
   * Arrival order: a hand loop that waits for all calls but appends results as they arrive.
   */
  agent: 'correct' | 'impatient' | 'arrival-order';
  baseURL: string;
}

export const PROMPT = 'Weather in Paris and Tokyo, and the time in UTC?';

// biome-ignore lint/suspicious/noExplicitAny: the two SDK majors share this shape but not their types.
type Sdk = any;

function sdkOf(run: AiSdkRun): { sdk: Sdk; model: unknown; telemetry: Record<string, unknown> } {
  const v6 = run.version === '6';
  const provider = (v6 ? createOpenAi6 : createOpenAi7)({ baseURL: run.baseURL, apiKey: 'test-key' });
  const model = run.api === 'chat' ? provider.chat('gpt-4o-mini') : provider.responses('gpt-4o-mini');
  const telemetry: Record<string, unknown> = { isEnabled: true, functionId: 'weather-agent' };
  if (run.version === '7-legacy') telemetry.integrations = [new LegacyOpenTelemetry()];
  if (run.version === '7-otel') telemetry.integrations = [new OpenTelemetry()];
  return { sdk: v6 ? ai6 : ai7, model, telemetry };
}

function tools(sdk: Sdk, execute: boolean) {
  const weather = sdk.tool({
    description: 'Current weather in a city',
    inputSchema: z.object({ city: z.string() }),
    ...(execute ? { execute: (a: { city: string }) => runMockTool('weather', a) } : {}),
  });
  const clock = sdk.tool({
    description: 'Current time in a zone',
    inputSchema: z.object({ zone: z.string() }),
    ...(execute ? { execute: (a: { zone: string }) => runMockTool('clock', a) } : {}),
  });
  return { weather, clock };
}

async function once(sdk: Sdk, run: AiSdkRun, opts: Record<string, unknown>) {
  if (!run.stream) return sdk.generateText(opts);
  const result = sdk.streamText(opts);
  await result.consumeStream();
  return {
    toolCalls: await result.toolCalls,
    text: await result.text,
    response: await result.response,
    responseMessages: await result.responseMessages,
  };
}

/**
 * Runs the agent once; spans go to the global tracer provider. Returns the conversation as AI SDK
 * `ModelMessage[]` (the prompt, then the SDK's response.messages) for the correct agent.
 */
export async function runAiSdkAgent(run: AiSdkRun): Promise<unknown[]> {
  const { sdk, model, telemetry } = sdkOf(run);
  const key = run.version === '6' ? 'experimental_telemetry' : 'telemetry';
  if (run.agent === 'correct') {
    const result = await once(sdk, run, {
      model,
      tools: tools(sdk, true),
      stopWhen: sdk.stepCountIs(4),
      prompt: PROMPT,
      [key]: telemetry,
    });
    // ai 7 accumulates every step's messages in responseMessages; ai 6 in response.messages.
    return [{ role: 'user', content: PROMPT }, ...(result.responseMessages ?? result.response.messages)];
  }
  if (run.agent === 'arrival-order') return arrivalOrder(sdk, run, model, telemetry, key);
  // The impatient loop: it sends the next request as soon as the fast calls are back, and leaves
  // the slow call out of the history (ModelMessage[]) so the SDK's own validation lets it through.
  const messages: unknown[] = [{ role: 'user', content: PROMPT }];
  const first = await once(sdk, run, { model, tools: tools(sdk, false), messages, [key]: telemetry });
  const calls = first.toolCalls as { toolCallId: string; toolName: string; input: Record<string, string> }[];
  if (calls.length !== MOCK_CALLS.length) throw new Error(`mock LLM asked for ${calls.length} calls`);
  const fast = calls.filter((c) => c.toolCallId !== SLOW_CALL);
  const slow = runMockTool('weather', { city: 'Tokyo' });
  const results = await Promise.all(fast.map((c) => runMockTool(c.toolName, c.input)));
  messages.push(
    {
      role: 'assistant',
      content: fast.map((c) => ({
        type: 'tool-call',
        toolCallId: c.toolCallId,
        toolName: c.toolName,
        input: c.input,
      })),
    },
    {
      role: 'tool',
      content: fast.map((c, i) => ({
        type: 'tool-result',
        toolCallId: c.toolCallId,
        toolName: c.toolName,
        output: { type: 'text', value: results[i] },
      })),
    },
  );
  await once(sdk, run, { model, tools: tools(sdk, false), messages, [key]: telemetry });
  await slow;
  return messages;
}

/** Waits for every call, but writes the results into the history in the order they finished. */
async function arrivalOrder(sdk: Sdk, run: AiSdkRun, model: unknown, telemetry: unknown, key: string) {
  const messages: unknown[] = [{ role: 'user', content: PROMPT }];
  const first = await once(sdk, run, { model, tools: tools(sdk, false), messages, [key]: telemetry });
  const calls = first.toolCalls as { toolCallId: string; toolName: string; input: Record<string, string> }[];
  const arrived: { call: (typeof calls)[number]; value: string }[] = [];
  await Promise.all(
    calls.map(async (call) => arrived.push({ call, value: await runMockTool(call.toolName, call.input) })),
  );
  messages.push(
    {
      role: 'assistant',
      content: calls.map((c) => ({
        type: 'tool-call',
        toolCallId: c.toolCallId,
        toolName: c.toolName,
        input: c.input,
      })),
    },
    {
      role: 'tool',
      content: arrived.map(({ call, value }) => ({
        type: 'tool-result',
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        output: { type: 'text', value },
      })),
    },
  );
  await once(sdk, run, { model, tools: tools(sdk, false), messages, [key]: telemetry });
  return messages;
}
