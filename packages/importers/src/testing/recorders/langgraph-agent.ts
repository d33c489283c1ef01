// Test support: the weather agent on the real LangGraph.js (createReactAgent with its ToolNode) and,
// for the buggy loop, LangChain's ChatOpenAI and tools by hand; traced by OpenInference or OpenLLMetry.
import { LangChainInstrumentation as OpenInferenceLangChain } from '@arizeai/openinference-instrumentation-langchain';
import * as callbackManager from '@langchain/core/callbacks/manager';
import {
  type AIMessage,
  type AIMessageChunk,
  type BaseMessage,
  HumanMessage,
} from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';
import { LangChainInstrumentation as TraceloopLangChain } from '@traceloop/instrumentation-langchain';
import { z } from 'zod';
import { MOCK_CALLS, runMockTool, SLOW_CALL } from './mock-llm-server.ts';
import { spanCapture } from './span-capture.ts';

export type LangChainTracer = 'openinference' | 'traceloop';
let instrumented: LangChainTracer | undefined;

/** One instrumentation per test process; LangSmith's own tracing stays off. */
export function instrumentLangChain(by: LangChainTracer): void {
  if (instrumented) {
    if (instrumented !== by) throw new Error(`LangChain already instrumented by ${instrumented}`);
    return;
  }
  instrumented = by;
  process.env.LANGCHAIN_TRACING_V2 = 'false';
  process.env.LANGSMITH_TRACING = 'false';
  const provider = spanCapture().provider;
  if (by === 'openinference') {
    const inst = new OpenInferenceLangChain({ tracerProvider: provider });
    inst.manuallyInstrument(callbackManager);
  } else {
    const inst = new TraceloopLangChain({ traceContent: true });
    inst.setTracerProvider(provider);
    inst.manuallyInstrument({ callbackManagerModule: callbackManager });
  }
}

const weather = tool((a: { city: string }) => runMockTool('weather', a), {
  name: 'weather',
  description: 'Current weather in a city',
  schema: z.object({ city: z.string() }),
});
const clock = tool((a: { zone: string }) => runMockTool('clock', a), {
  name: 'clock',
  description: 'Current time in a zone',
  schema: z.object({ zone: z.string() }),
});

export interface LangGraphRun {
  by: LangChainTracer;
  stream: boolean;
  agent: 'correct' | 'impatient';
  baseURL: string;
}

const PROMPT = 'Weather in Paris and Tokyo, and the time in UTC?';

export async function runLangGraphAgent(r: LangGraphRun): Promise<void> {
  instrumentLangChain(r.by);
  const llm = new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'test-key',
    configuration: { baseURL: r.baseURL },
  });
  if (r.agent === 'correct') {
    const agent = createReactAgent({ llm, tools: [weather, clock] });
    const input = { messages: [new HumanMessage(PROMPT)] };
    // Streamed the way LangGraph apps stream tokens (streamMode "messages": the model streams SSE).
    if (r.stream) for await (const _ of await agent.stream(input, { streamMode: 'messages' }));
    else await agent.invoke(input);
    return;
  }
  // Impatient: asks again once the fast ToolMessages are in, the slow one is appended a turn later.
  const model = llm.bindTools([weather, clock]);
  const ask = async (): Promise<AIMessage> => {
    if (!r.stream) return (await model.invoke(messages)) as AIMessage;
    let all: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(messages)) all = all ? all.concat(chunk) : chunk;
    return all as AIMessage;
  };
  const messages: BaseMessage[] = [new HumanMessage(PROMPT)];
  const first = await ask();
  const calls = first.tool_calls ?? [];
  if (calls.length !== MOCK_CALLS.length) throw new Error(`mock LLM asked for ${calls.length} calls`);
  messages.push(first);
  const byName = { weather, clock } as const;
  const pending = calls.map((c) =>
    (byName[c.name as keyof typeof byName] as typeof weather).invoke({ ...c, type: 'tool_call' } as never),
  );
  for (const [i, c] of calls.entries()) if (c.id !== SLOW_CALL) messages.push(await pending[i]!);
  await ask();
  messages.push(await pending[calls.findIndex((c) => c.id === SLOW_CALL)]!);
  await ask();
}
