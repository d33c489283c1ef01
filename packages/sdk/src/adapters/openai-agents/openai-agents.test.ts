// The OpenAI Agents SDK adapters against the real `@openai/agents` and a loopback mock LLM (Responses
// and Chat Completions, JSON and SSE): its own traces through CauselaneTraceProcessor flag the stale
// read of its parallel tools; causelaneAgents runs the same agent clean, with deadlines and order.

import type { TraceEvent } from '@causelane/trace-schema';
import { Agent, OpenAIProvider, Runner, setTraceProcessors, setTracingDisabled, tool } from '@openai/agents';
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
  serious,
  verdict,
} from '../../testing/ledger-agent.ts';
import { type MockLlm, startMockLlm, toolResultIds } from '../../testing/mock-llm-server.ts';
import { Tracer } from '../../tracer.ts';
import { causelaneAgents } from './agents-adapter.ts';
import { CauselaneTraceProcessor } from './causelane-trace-processor.ts';

let mock: MockLlm;
const spans = new MemorySink();
const processor = new CauselaneTraceProcessor({ sink: spans, tools: LEDGER_DECLARATIONS });
beforeAll(async () => {
  mock = await startMockLlm(LEDGER_PLAN, 'The balance is 110.');
  // Replaces the SDK's default exporter (api.openai.com): nothing leaves the machine.
  setTraceProcessors([processor]);
  // The SDK turns tracing off when NODE_ENV is test.
  setTracingDisabled(false);
});
afterAll(async () => {
  setTraceProcessors([]);
  setTracingDisabled(true);
  await mock.close();
});

function ledgerAgent(ledger: Ledger, wrap: <T extends object>(tools: T[]) => T[] = (t) => t) {
  const tools = wrap([
    tool({
      name: 'balance',
      description: 'Balance of an account',
      parameters: z.object({ account: z.string() }),
      execute: () => ledger.readBalance(),
    }),
    tool({
      name: 'deposit',
      description: 'Deposit into an account',
      parameters: z.object({ account: z.string(), amount: z.number() }),
      execute: (a) => ledger.deposit(a.amount),
    }),
    tool({
      name: 'audit',
      description: 'Write an audit note',
      parameters: z.object({ note: z.string() }),
      execute: (a) => ledger.audit(a.note),
    }),
  ]);
  return new Agent({ name: 'bookkeeper', instructions: 'Keep the books.', model: 'gpt-4o-mini', tools });
}

async function play(runner: Runner, agent: Agent, stream: boolean): Promise<string> {
  if (!stream) return String((await runner.run(agent, LEDGER_PROMPT)).finalOutput);
  const result = await runner.run(agent, LEDGER_PROMPT, { stream: true });
  await result.completed;
  return String(result.finalOutput);
}

/** The runs the processor streamed since `before`. */
async function processorRuns(before: number): Promise<TraceEvent[]> {
  await processor.forceFlush();
  return spans.events.slice(before) as TraceEvent[];
}

const CASES = (['responses', 'chat'] as const).flatMap((api) =>
  [false, true].map((stream) => ({ api, stream })),
);

describe.each(CASES)('OpenAI Agents SDK 0.20, $api, stream: $stream', ({ api, stream }) => {
  const provider = () =>
    new OpenAIProvider({ baseURL: mock.url, apiKey: 'test-key', useResponses: api === 'responses' });

  it('on its own, traced by CauselaneTraceProcessor: the stale read is flagged', async () => {
    const before = spans.events.length;
    const ledger = new Ledger();
    const out = await play(new Runner({ modelProvider: provider() }), ledgerAgent(ledger), stream);
    expect(out).toBe('The balance is 110.');
    const events = await processorRuns(before);
    expect(new Set(events.map((e) => e.run)).size).toBe(1);
    expect(events[0]).toMatchObject({ type: 'run.start', agent: 'bookkeeper' });
    expect(
      events
        .filter((e) => e.type === 'tool.end')
        .map((e) => e.call)
        .sort(),
    ).toEqual(['call_audit', 'call_balance', 'call_deposit']);
    expect(verdict(events)).toEqual(['stale-read|error|call_balance']);
  });

  it('through causelaneAgents: ordered by declared keys, the hung audit timed out, clean', async () => {
    const before = spans.events.length;
    const sink = new MemorySink();
    const tracer = new Tracer({ sinks: [sink] });
    const cl = causelaneAgents({
      tracer,
      executor: new CausalExecutor({ callTimeoutMs: LEDGER_TIMING.callTimeoutMs }),
      tools: LEDGER_DECLARATIONS,
      settleMs: LEDGER_TIMING.settleMs,
    });
    const ledger = new Ledger();
    const first = mock.requests.length;
    const runner = new Runner({ modelProvider: cl.modelProvider(provider()) });
    const out = await play(runner, ledgerAgent(ledger, cl.tools), stream);
    await cl.end();
    await tracer.close();
    expect(out).toBe('The balance is 110.');
    expect(ledger.ran).toEqual(['deposit', 'audit', 'balance']);
    expect(toolResultIds(mock.requests[first + 1]!)).toEqual(['call_balance', 'call_deposit', 'call_audit']);
    expect(JSON.stringify(mock.requests[first + 1])).toMatch(/timed out/);
    expect(cl.orphans.map((o) => [o.call, o.reason])).toEqual([['call_audit', 'late']]);
    expect(verdict(sink.events as TraceEvent[])).toEqual(['orphaned-result|info|call_audit']);
    // The SDK's own trace of the enforced run agrees: nothing above info.
    expect(serious(await processorRuns(before))).toEqual([]);
  });
});

describe('CauselaneTraceProcessor without sensitive data (no outputs on the spans)', () => {
  it('takes the turn’s calls from its function spans and accuses nothing it cannot see', async () => {
    const before = spans.events.length;
    const provider = new OpenAIProvider({ baseURL: mock.url, apiKey: 'test-key', useResponses: true });
    const runner = new Runner({ modelProvider: provider, traceIncludeSensitiveData: false });
    expect(await play(runner, ledgerAgent(new Ledger()), false)).toBe('The balance is 110.');
    const events = await processorRuns(before);
    const response = events.find((e) => e.type === 'llm.response' && e.calls.length > 0);
    expect(response?.type === 'llm.response' && response.calls.map((c) => c.name).sort()).toEqual([
      'audit',
      'balance',
      'deposit',
    ]);
    expect(events.filter((e) => e.type === 'tool.commit')).toHaveLength(3);
    expect(verdict(events)).toEqual([]);
  });
});

describe('causelaneAgents wrappers', () => {
  it('leave the rest of the model and provider working, #private state included', async () => {
    const cl = causelaneAgents({ tracer: new Tracer({ sinks: [new MemorySink()] }) });
    const provider = cl.modelProvider(new OpenAIProvider({ baseURL: mock.url, apiKey: 'test-key' }));
    const model = await provider.getModel('gpt-4o-mini');
    expect(typeof model.getStreamedResponse).toBe('function');
    await expect(provider.close()).resolves.toBeUndefined();
  });
});
