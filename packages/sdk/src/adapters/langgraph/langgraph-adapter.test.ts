// The LangGraph.js adapter against the real @langchain/langgraph ToolNode, @langchain/core and
// @langchain/openai's ChatOpenAI on a loopback mock LLM (chat completions JSON and SSE, Responses):
// the stock ToolNode, traced, is flagged; the CausalToolNode drop-in is clean.

import type { TraceEvent } from '@causelane/trace-schema';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CausalExecutor } from '../../causal-executor.ts';
import { MemorySink } from '../../sinks/memory-sink.ts';
import {
  LEDGER_DECLARATIONS,
  LEDGER_PLAN,
  LEDGER_PROMPT,
  LEDGER_TIMING,
  Ledger,
  verdict,
} from '../../testing/ledger-agent.ts';
import { type MockLlm, startMockLlm, toolResultIds } from '../../testing/mock-llm-server.ts';
import { Tracer } from '../../tracer.ts';
import { causelaneLangGraph, traceLangGraph } from './causelane-langgraph.ts';

let mock: MockLlm;
beforeAll(async () => {
  // No LangSmith: nothing leaves the machine.
  process.env.LANGSMITH_TRACING = 'false';
  process.env.LANGCHAIN_TRACING_V2 = 'false';
  mock = await startMockLlm(LEDGER_PLAN, 'The balance is 110.');
});
afterAll(() => mock.close());

function ledgerTools(ledger: Ledger) {
  return [
    tool(() => ledger.readBalance(), { name: 'balance', schema: z.object({ account: z.string() }) }),
    tool((a) => ledger.deposit(a.amount), {
      name: 'deposit',
      schema: z.object({ account: z.string(), amount: z.number() }),
    }),
    tool((a) => ledger.audit(a.note), { name: 'audit', schema: z.object({ note: z.string() }) }),
  ];
}

type Api = 'chat' | 'chat-stream' | 'responses';

function graph(api: Api, ledger: Ledger, toolNode: (tools: ReturnType<typeof ledgerTools>) => ToolNode) {
  const tools = ledgerTools(ledger);
  const model = new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'test-key',
    configuration: { baseURL: mock.url },
    useResponsesApi: api === 'responses',
  }).bindTools(tools);
  // Streamed the way LangGraph apps stream tokens: the model streams SSE, the node adds up the chunks.
  const ask = async (messages: BaseMessage[]) => {
    if (api !== 'chat-stream') return model.invoke(messages);
    let all: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(messages)) all = all ? all.concat(chunk) : chunk;
    return all!;
  };
  const agent = async (state: typeof MessagesAnnotation.State) => ({ messages: [await ask(state.messages)] });
  const route = (state: typeof MessagesAnnotation.State) => {
    const last = state.messages.at(-1) as { tool_calls?: unknown[] };
    return last.tool_calls?.length ? 'tools' : END;
  };
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', agent)
    .addNode('tools', toolNode(tools))
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', route, ['tools', END])
    .addEdge('tools', 'agent')
    .compile();
}

const last = (messages: BaseMessage[]) => messages.at(-1)?.text;

describe.each(['chat', 'chat-stream', 'responses'] as const)('LangGraph ToolNode, %s', (api) => {
  it('the stock ToolNode, traced by traceLangGraph: the stale read is flagged', async () => {
    const sink = new MemorySink();
    const tracer = new Tracer({ sinks: [sink] });
    const t = traceLangGraph({ tracer, tools: LEDGER_DECLARATIONS });
    const ledger = new Ledger();
    const out = await graph(api, ledger, (tools) => new ToolNode(tools)).invoke(
      { messages: [{ role: 'user', content: LEDGER_PROMPT }] },
      { callbacks: [t.callbacks] },
    );
    t.end();
    await tracer.close();
    expect(last(out.messages)).toBe('The balance is 110.');
    expect(verdict(sink.events as TraceEvent[])).toEqual(['stale-read|error|call_balance']);
  });

  it.each([true, false])(
    'CausalToolNode (callbacks: %s): ordered, the hung audit timed out, clean',
    async (withCallbacks) => {
      const sink = new MemorySink();
      const tracer = new Tracer({ sinks: [sink] });
      const cl = causelaneLangGraph({
        tracer,
        executor: new CausalExecutor({ callTimeoutMs: LEDGER_TIMING.callTimeoutMs }),
        tools: LEDGER_DECLARATIONS,
        settleMs: LEDGER_TIMING.settleMs,
      });
      const ledger = new Ledger();
      const first = mock.requests.length;
      const out = await graph(api, ledger, (tools) => cl.toolNode(tools)).invoke(
        { messages: [{ role: 'user', content: LEDGER_PROMPT }] },
        withCallbacks ? { callbacks: [cl.callbacks] } : {},
      );
      await cl.end();
      await tracer.close();
      expect(last(out.messages)).toBe('The balance is 110.');
      expect(ledger.ran).toEqual(['deposit', 'audit', 'balance']);
      expect(toolResultIds(mock.requests[first + 1]!)).toEqual([
        'call_balance',
        'call_deposit',
        'call_audit',
      ]);
      expect(
        out.messages.filter((m) => m.getType() === 'tool').map((m) => (m as { status?: string }).status),
      ).toEqual(['success', 'success', 'error']);
      expect(cl.orphans.map((o) => [o.call, o.reason])).toEqual([['call_audit', 'late']]);
      const events = sink.events as TraceEvent[];
      expect(verdict(events)).toEqual(['orphaned-result|info|call_audit']);
      // With the callbacks every model call is traced as it happens; without, the node announces
      // the turn it runs, and the final answer (no tool calls) never reaches the trace.
      expect(events.filter((e) => e.type === 'llm.request').length).toBe(withCallbacks ? 2 : 1);
      expect(events.find((e) => e.type === 'tool.end' && e.call === 'call_balance')).toMatchObject({
        result: { balance: 110, version: 2 },
        reads: [{ key: 'account:a', version: 2 }],
      });
    },
  );
});
