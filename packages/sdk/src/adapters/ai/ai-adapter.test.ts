// The AI SDK adapter against the real `ai` 6 and 7 packages and their OpenAI providers, talking to a
// loopback mock LLM (chat completions and Responses, JSON and SSE): the SDK on its own is flagged,
// the same agent through causelaneAi is clean, with the executor's deadlines and call order.
import { createOpenAI as createOpenAi6 } from '@ai-sdk/openai';
import type { TraceEvent } from '@causelane/trace-schema';
import * as ai6 from 'ai';
import * as ai7 from 'ai7';
import { createOpenAI as createOpenAi7 } from 'ai7-openai';
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
import { type AiAdapter, causelaneAi, traceAi } from './ai-adapter.ts';

// biome-ignore lint/suspicious/noExplicitAny: the two SDK majors share this shape but not their types.
type Sdk = any;
const SDKS: Record<'6' | '7', { sdk: Sdk; provider: Sdk }> = {
  '6': { sdk: ai6, provider: createOpenAi6 },
  '7': { sdk: ai7, provider: createOpenAi7 },
};

const USER = { user: 'u1' };
let mock: MockLlm;
beforeAll(async () => {
  mock = await startMockLlm(LEDGER_PLAN, 'The balance is 110.');
});
afterAll(() => mock.close());

interface Case {
  version: '6' | '7';
  api: 'chat' | 'responses';
  stream: boolean;
}

function ledgerTools(sdk: Sdk, ledger: Ledger, seen: Record<string, unknown>[]) {
  return {
    balance: sdk.tool({
      description: 'Balance of an account',
      inputSchema: z.object({ account: z.string() }),
      execute: (_a: unknown, opts: Record<string, unknown>) => {
        seen.push(opts);
        return ledger.readBalance();
      },
    }),
    deposit: sdk.tool({
      description: 'Deposit into an account',
      inputSchema: z.object({ account: z.string(), amount: z.number() }),
      execute: (a: { amount: number }) => ledger.deposit(a.amount),
    }),
    audit: sdk.tool({
      description: 'Write an audit note',
      inputSchema: z.object({ note: z.string() }),
      execute: async (a: { note: string }, opts: { abortSignal?: AbortSignal }) => {
        const out = await ledger.audit(a.note);
        seen.push({ auditAborted: opts.abortSignal?.aborted });
        return out;
      },
    }),
  };
}

async function runAgent(c: Case, adapter: AiAdapter, ledger: Ledger, extra: Record<string, unknown> = {}) {
  const { sdk, provider } = SDKS[c.version];
  const openai = provider({ baseURL: mock.url, apiKey: 'test-key' });
  const base = c.api === 'chat' ? openai.chat('gpt-4o-mini') : openai.responses('gpt-4o-mini');
  const seen: Record<string, unknown>[] = [];
  const first = mock.requests.length;
  const opts = {
    model: sdk.wrapLanguageModel({ model: base, middleware: adapter.middleware }),
    tools: adapter.tools(ledgerTools(sdk, ledger, seen)),
    stopWhen: sdk.stepCountIs(4),
    prompt: LEDGER_PROMPT,
    ...extra,
  };
  let text: string;
  if (c.stream) {
    const result = sdk.streamText({ ...opts, onError: () => {} });
    await result.consumeStream();
    text = await result.text;
  } else text = (await sdk.generateText(opts)).text;
  await adapter.end();
  return { text, seen, requests: mock.requests.slice(first) };
}

async function traced(make: (tracer: Tracer) => AiAdapter) {
  const sink = new MemorySink();
  const tracer = new Tracer({ sinks: [sink] });
  return { adapter: make(tracer), events: () => tracer.close().then(() => sink.events as TraceEvent[]) };
}

const CASES: Case[] = (['6', '7'] as const).flatMap((version) =>
  (['chat', 'responses'] as const).flatMap((api) =>
    [false, true].map((stream) => ({ version, api, stream })),
  ),
);

describe.each(CASES)('AI SDK $version, $api, stream: $stream', (c) => {
  it('on its own, runs the read beside the deposit: traced, the stale read is flagged', async () => {
    const ledger = new Ledger();
    const t = await traced((tracer) => traceAi({ tracer, tools: LEDGER_DECLARATIONS }));
    const { text } = await runAgent(c, t.adapter, ledger);
    expect(text).toBe('The balance is 110.');
    const events = await t.events();
    expect(verdict(events)).toEqual(['stale-read|error|call_balance']);
    // The trace shows the SDK's real behaviour: all three at once, nothing timed out.
    expect(ledger.ran.slice(0, 2).sort()).toEqual(['balance', 'deposit']);
    expect(events.some((e) => e.type === 'tool.timeout')).toBe(false);
  });

  it('through causelaneAi: ordered by declared keys, the hung audit timed out, clean', async () => {
    const ledger = new Ledger();
    const t = await traced((tracer) =>
      causelaneAi({
        tracer,
        executor: new CausalExecutor({ callTimeoutMs: LEDGER_TIMING.callTimeoutMs }),
        tools: LEDGER_DECLARATIONS,
        settleMs: LEDGER_TIMING.settleMs,
      }),
    );
    const context = c.version === '6' ? { experimental_context: USER } : { toolsContext: { balance: USER } };
    const { text, seen, requests } = await runAgent(c, t.adapter, ledger, context);
    expect(text).toBe('The balance is 110.');
    // The SDK's execute options reach the real tool: its call id, messages and context.
    const opts = seen[0]!;
    expect(opts.toolCallId).toBe('call_balance');
    expect(JSON.stringify(opts.messages)).toContain(LEDGER_PROMPT);
    expect(c.version === '6' ? opts.experimental_context : opts.context).toEqual(USER);
    const events = await t.events();
    expect(serious(events)).toEqual([]);
    expect(verdict(events)).toEqual(['orphaned-result|info|call_audit']);
    // Ground truth: each tool ran once, the read after the write it conflicts with.
    expect(ledger.ran).toEqual(['deposit', 'audit', 'balance']);
    // The model got one result per call, in call order, the audit's a stand-in.
    expect(toolResultIds(requests[1]!)).toEqual(['call_balance', 'call_deposit', 'call_audit']);
    expect(JSON.stringify(requests[1])).toMatch(/timed out/);
    expect(t.adapter.orphans).toEqual([
      expect.objectContaining({ call: 'call_audit', reason: 'late', ok: true, result: 'logged: deposit' }),
    ]);
    // The executor's deadline reached the tool through the SDK's abortSignal.
    expect(seen.find((s) => 'auditAborted' in s)).toEqual({ auditAborted: true });
    expect(events.filter((e) => e.type === 'tool.commit').map((e) => [e.call, e.synthetic === true])).toEqual(
      [
        ['call_balance', false],
        ['call_deposit', false],
        ['call_audit', true],
      ],
    );
    expect(events.find((e) => e.type === 'tool.end' && e.call === 'call_balance')).toMatchObject({
      reads: [{ key: 'account:a', version: 2 }],
    });
  });
});

describe.each(['6', '7'] as const)('AI SDK %s: input the tool schema rejects', (version) => {
  it('is failed at dispatch, never waits for the deadline, and never runs', async () => {
    const bad = await startMockLlm([
      [{ id: 'call_bad', name: 'deposit', args: { account: 'a', amount: 'ten' } }],
    ]);
    try {
      const { sdk, provider } = SDKS[version];
      const ledger = new Ledger();
      const t = await traced((tracer) =>
        causelaneAi({
          tracer,
          executor: new CausalExecutor({ callTimeoutMs: 20_000 }),
          tools: LEDGER_DECLARATIONS,
        }),
      );
      const started = performance.now();
      await sdk.generateText({
        model: sdk.wrapLanguageModel({
          model: provider({ baseURL: bad.url, apiKey: 'k' }).chat('gpt-4o-mini'),
          middleware: t.adapter.middleware,
        }),
        tools: t.adapter.tools(ledgerTools(sdk, ledger, [])),
        stopWhen: sdk.stepCountIs(3),
        prompt: LEDGER_PROMPT,
      });
      await t.adapter.end();
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(ledger.ran).toEqual([]);
      const events = await t.events();
      expect(events.find((e) => e.type === 'tool.end')).toMatchObject({
        call: 'call_bad',
        ok: false,
        error: expect.stringMatching(/amount/),
      });
      expect(serious(events)).toEqual([]);
    } finally {
      await bad.close();
    }
  });
});

describe('types', () => {
  it('the middleware and wrapped tools fit ai 6 and ai 7 as they are typed', () => {
    const tracer = new Tracer({ sinks: [new MemorySink()] });
    const a = causelaneAi({ tracer });
    const tools = {
      echo: ai6.tool({ inputSchema: z.object({ s: z.string() }), execute: async ({ s }) => s }),
    };
    const m6 = ai6.wrapLanguageModel({
      model: createOpenAi6({ apiKey: 'k' }).chat('gpt-4o-mini'),
      middleware: a.middleware,
    });
    const m7 = ai7.wrapLanguageModel({
      model: createOpenAi7({ apiKey: 'k' }).chat('gpt-4o-mini'),
      middleware: a.middleware,
    });
    const wrapped: typeof tools = a.tools(tools);
    expect(typeof wrapped.echo.execute).toBe('function');
    expect([m6.modelId, m7.modelId]).toEqual(['gpt-4o-mini', 'gpt-4o-mini']);
  });
});
