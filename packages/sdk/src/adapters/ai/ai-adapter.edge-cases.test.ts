// The AI SDK adapter's edge cases on the real `ai` 6 and 7: input the schema rejects, a step whose
// calls the SDK will not run, providers that reuse call ids per response, and the public types.
import { createOpenAI as createOpenAi6 } from '@ai-sdk/openai';
import * as ai6 from 'ai';
import * as ai7 from 'ai7';
import { createOpenAI as createOpenAi7 } from 'ai7-openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CausalExecutor } from '../../causal-executor.ts';
import { MemorySink } from '../../sinks/memory-sink.ts';
import { aiLedgerTools, SDKS, traced } from '../../testing/ai-sdk-ledger.ts';
import {
  LEDGER_DECLARATIONS,
  LEDGER_PLAN,
  LEDGER_PROMPT,
  Ledger,
  serious,
  verdict,
} from '../../testing/ledger-agent.ts';
import { startMockLlm, toolResultIds } from '../../testing/mock-llm-server.ts';
import { Tracer } from '../../tracer.ts';
import { causelaneAi } from './ai-adapter.ts';

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
        tools: t.adapter.tools(aiLedgerTools(sdk, ledger, [])),
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

describe.each([false, true])('AI SDK 6: a step that finishes with "length", stream: %s', (stream) => {
  it('runs none of its calls, and the adapter does not wait for them', async () => {
    const cut = await startMockLlm(LEDGER_PLAN, 'unused', { callsFinishReason: 'length' });
    try {
      const ledger = new Ledger();
      const t = await traced((tracer) =>
        causelaneAi({
          tracer,
          executor: new CausalExecutor({ callTimeoutMs: 20_000 }),
          tools: LEDGER_DECLARATIONS,
        }),
      );
      const opts = {
        model: ai6.wrapLanguageModel({
          model: createOpenAi6({ baseURL: cut.url, apiKey: 'k' }).chat('gpt-4o-mini'),
          middleware: t.adapter.middleware,
        }),
        tools: t.adapter.tools(aiLedgerTools(ai6, ledger, [])),
        stopWhen: ai6.stepCountIs(3),
        prompt: LEDGER_PROMPT,
      };
      const started = performance.now();
      if (stream) await ai6.streamText({ ...opts, onError: () => {} }).consumeStream();
      else await ai6.generateText(opts);
      await t.adapter.end();
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(ledger.ran).toEqual([]);
      const events = await t.events();
      expect(events.find((e) => e.type === 'tool.end')).toMatchObject({
        ok: false,
        error: expect.stringMatching(/length/),
      });
      expect(serious(events)).toEqual([]);
    } finally {
      await cut.close();
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

describe('AI SDK 7: a provider that numbers calls per response (call_0 in every turn)', () => {
  it('scopes the trace ids per turn and answers each turn with its own result', async () => {
    const plan = [
      [{ id: 'call_0', name: 'deposit', args: { account: 'a', amount: 10 } }],
      [{ id: 'call_0', name: 'balance', args: { account: 'a' } }],
    ];
    const numbered = await startMockLlm(plan, 'The balance is 110.');
    try {
      const ledger = new Ledger();
      const t = await traced((tracer) => causelaneAi({ tracer, tools: LEDGER_DECLARATIONS }));
      const { text } = await ai7.generateText({
        model: ai7.wrapLanguageModel({
          model: createOpenAi7({ baseURL: numbered.url, apiKey: 'k' }).chat('gpt-4o-mini'),
          middleware: t.adapter.middleware,
        }),
        tools: t.adapter.tools(aiLedgerTools(ai7, ledger, [])),
        stopWhen: ai7.stepCountIs(5),
        prompt: LEDGER_PROMPT,
      });
      await t.adapter.end();
      expect(text).toBe('The balance is 110.');
      expect(ledger.ran).toEqual(['deposit', 'balance']);
      const events = await t.events();
      expect(events.filter((e) => e.type === 'tool.commit').map((e) => `${e.turn}:${e.call}`)).toEqual([
        '1:call_0',
        '2:t2:call_0',
      ]);
      // The provider still sees its own ids, one answer per turn.
      expect(toolResultIds(numbered.requests[2]!)).toEqual(['call_0', 'call_0']);
      expect(verdict(events)).toEqual([]);
    } finally {
      await numbered.close();
    }
  });
});
