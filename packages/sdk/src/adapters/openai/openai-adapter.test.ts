// The openai client loop against the real `openai` package and a loopback mock LLM speaking Chat
// Completions (JSON and SSE): the arrival-order loop is flagged, the causal one is clean, and the
// tool messages answer every tool_call_id in call order.
import type { TraceEvent } from '@causelane/trace-schema';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalExecutor } from '../../causal-executor.ts';
import { NaiveExecutor } from '../../naive-executor.ts';
import { MemorySink } from '../../sinks/memory-sink.ts';
import {
  LEDGER_PLAN,
  LEDGER_PROMPT,
  LEDGER_TIMING,
  Ledger,
  serious,
  verdict,
} from '../../testing/ledger-agent.ts';
import { type MockLlm, startMockLlm, toolResultIds } from '../../testing/mock-llm-server.ts';
import { Tracer } from '../../tracer.ts';
import { OpenAIToolRunner } from './openai-tool-runner.ts';
import { type OpenAIFunctionTool, runOpenAIChat } from './run-openai-chat.ts';

let mock: MockLlm;
beforeAll(async () => {
  mock = await startMockLlm(LEDGER_PLAN, 'The balance is 110.');
});
afterAll(() => mock.close());

const KEY = 'account:a';
const fn = (name: string) => ({ name, parameters: { type: 'object', properties: {} } });

function ledgerTools(ledger: Ledger): OpenAIFunctionTool[] {
  return [
    {
      type: 'function',
      function: fn('balance'),
      access: { reads: [KEY] },
      run: async (_a, ctx) => {
        const v = await ledger.readBalance();
        ctx.noteRead({ key: KEY, version: v.version });
        return v;
      },
    },
    {
      type: 'function',
      function: fn('deposit'),
      access: { writes: [KEY] },
      run: async (a, ctx) => {
        const v = await ledger.deposit(Number(a.amount));
        ctx.noteWrite({ key: KEY, version: v.version });
        return v;
      },
    },
    { type: 'function', function: fn('audit'), run: (a) => ledger.audit(String(a.note)) },
  ];
}

const history: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You keep the books.' },
  { role: 'user', content: LEDGER_PROMPT },
];

function setup() {
  const sink = new MemorySink();
  const tracer = new Tracer({ sinks: [sink] });
  const client = new OpenAI({ baseURL: mock.url, apiKey: 'test-key' });
  return { sink, tracer, client, first: mock.requests.length };
}

describe.each([false, true])('runOpenAIChat, stream: %s', (stream) => {
  it('with the naive executor (commit on arrival): the stale read and the order are flagged', async () => {
    const { sink, tracer, client, first } = setup();
    const ledger = new Ledger();
    const r = await runOpenAIChat({
      client,
      model: 'gpt-4o-mini',
      messages: history,
      tools: ledgerTools(ledger),
      executor: new NaiveExecutor(),
      tracer,
      stream,
    });
    await tracer.close();
    expect(r.status).toBe('ok');
    // The model really got the results in arrival order.
    expect(toolResultIds(mock.requests[first + 1]!)).toEqual(['call_deposit', 'call_balance', 'call_audit']);
    expect(verdict(sink.events as TraceEvent[])).toEqual([
      'commit-order|warning|',
      'stale-read|error|call_balance',
    ]);
  });

  it('with the causal executor: clean, one tool message per id in call order', async () => {
    const { sink, tracer, client, first } = setup();
    const ledger = new Ledger();
    const chunks: number[] = [];
    const r = await runOpenAIChat({
      client,
      model: 'gpt-4o-mini',
      messages: history,
      tools: ledgerTools(ledger),
      executor: new CausalExecutor({ callTimeoutMs: LEDGER_TIMING.callTimeoutMs }),
      tracer,
      stream,
      onChunk: (_c, turn) => chunks.push(turn),
      settleMs: LEDGER_TIMING.settleMs,
    });
    await tracer.close();
    expect(r.status).toBe('ok');
    expect(r.text).toBe('The balance is 110.');
    expect(chunks.length > 0).toBe(stream);
    expect(ledger.ran).toEqual(['deposit', 'audit', 'balance']);
    expect(toolResultIds(mock.requests[first + 1]!)).toEqual(['call_balance', 'call_deposit', 'call_audit']);
    expect(r.messages.slice(0, 2)).toEqual(history);
    expect(r.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'tool',
      'assistant',
    ]);
    expect(r.messages[5]).toMatchObject({
      tool_call_id: 'call_audit',
      content: expect.stringMatching(/timed out/),
    });
    expect(verdict(sink.events as TraceEvent[])).toEqual(['orphaned-result|info|call_audit']);
  });
});

/** The ledger's tools behind a runner with the causal executor, timed as the ledger scenario is. */
function causalLedgerRunner(tracer: Tracer) {
  const ledger = new Ledger();
  const runner = new OpenAIToolRunner({
    tracer,
    tools: ledgerTools(ledger),
    executor: new CausalExecutor({ callTimeoutMs: LEDGER_TIMING.callTimeoutMs }),
    settleMs: LEDGER_TIMING.settleMs,
  });
  return { ledger, runner };
}

describe.each([false, true])('OpenAIToolRunner in a hand-written loop, stream: %s', (stream) => {
  it('runs each turn through the executor and returns the tool messages in call order', async () => {
    const { sink, tracer, client } = setup();
    const { ledger, runner } = causalLedgerRunner(tracer);
    const messages: ChatCompletionMessageParam[] = [...history];
    for (let turn = 0; turn < 4; turn++) {
      const message = await runner.complete(() =>
        stream
          ? client.chat.completions.create({
              model: 'gpt-4o-mini',
              messages,
              tools: runner.definitions,
              stream: true,
            })
          : client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: runner.definitions }),
      );
      messages.push(message);
      if (!message.tool_calls?.length) break;
      messages.push(...(await runner.runToolCalls(message)));
    }
    await runner.end();
    await tracer.close();
    expect(messages.at(-1)).toEqual({ role: 'assistant', content: 'The balance is 110.' });
    expect(messages.filter((m) => m.role === 'tool').map((m) => m.tool_call_id)).toEqual([
      'call_balance',
      'call_deposit',
      'call_audit',
    ]);
    expect(ledger.ran).toEqual(['deposit', 'audit', 'balance']);
    expect(runner.orphans.map((o) => [o.call, o.reason])).toEqual([['call_audit', 'late']]);
    const events = sink.events as TraceEvent[];
    expect(serious(events)).toEqual([]);
    expect(verdict(events)).toEqual(['orphaned-result|info|call_audit']);
  });

  it('refuses to call the model while a turn’s tool calls are uncommitted', async () => {
    const { tracer, client } = setup();
    const runner = new OpenAIToolRunner({ tracer, tools: ledgerTools(new Ledger()) });
    const create = () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: history, tools: runner.definitions });
    const message = await runner.complete(create);
    const running = runner.runToolCalls(message);
    await expect(runner.complete(create)).rejects.toThrow(/turn 1 has not closed/);
    await running;
    await runner.end();
    await tracer.close();
  });
});

describe.each([false, true])('OpenAIToolRunner on the Responses API, stream: %s', (stream) => {
  it('runs the function calls through the executor; outputs in call order, clean', async () => {
    const { sink, tracer, client } = setup();
    const { ledger, runner } = causalLedgerRunner(tracer);
    const input: ResponseInputItem[] = [{ role: 'user', content: LEDGER_PROMPT }];
    let text = '';
    for (let turn = 0; turn < 4; turn++) {
      const response = await runner.respond(() =>
        stream
          ? client.responses.create({
              model: 'gpt-4o-mini',
              input,
              tools: runner.responseTools,
              stream: true,
            })
          : client.responses.create({ model: 'gpt-4o-mini', input, tools: runner.responseTools }),
      );
      const calls = response.output.filter((o) => o.type === 'function_call');
      if (calls.length === 0) {
        // A streamed response.completed carries no output_text convenience field: read the message.
        text = response.output
          .flatMap((o) => (o.type === 'message' ? o.content : []))
          .map((c) => (c.type === 'output_text' ? c.text : ''))
          .join('');
        break;
      }
      input.push(...calls, ...(await runner.runFunctionCalls(response.output)));
    }
    await runner.end();
    await tracer.close();
    expect(text).toBe('The balance is 110.');
    expect(
      input
        .filter((i) => 'type' in i && i.type === 'function_call_output')
        .map((i) => (i as { call_id: string }).call_id),
    ).toEqual(['call_balance', 'call_deposit', 'call_audit']);
    expect(ledger.ran).toEqual(['deposit', 'audit', 'balance']);
    expect(verdict(sink.events as TraceEvent[])).toEqual(['orphaned-result|info|call_audit']);
  });
});
