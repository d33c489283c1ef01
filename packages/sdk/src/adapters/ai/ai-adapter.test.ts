// The AI SDK adapter against the real `ai` 6 and 7 packages and their OpenAI providers, talking to a
// loopback mock LLM (chat completions and Responses, JSON and SSE): the SDK on its own is flagged,
// the same agent through causelaneAi is clean, with the executor's deadlines and call order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalExecutor } from '../../causal-executor.ts';
import { aiLedgerTools, SDKS, traced } from '../../testing/ai-sdk-ledger.ts';
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
import { type AiAdapter, causelaneAi, traceAi } from './ai-adapter.ts';

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

async function runAgent(c: Case, adapter: AiAdapter, ledger: Ledger, extra: Record<string, unknown> = {}) {
  const { sdk, provider } = SDKS[c.version];
  const openai = provider({ baseURL: mock.url, apiKey: 'test-key' });
  const base = c.api === 'chat' ? openai.chat('gpt-4o-mini') : openai.responses('gpt-4o-mini');
  const seen: Record<string, unknown>[] = [];
  const first = mock.requests.length;
  const opts = {
    model: sdk.wrapLanguageModel({ model: base, middleware: adapter.middleware }),
    tools: adapter.tools(aiLedgerTools(sdk, ledger, seen)),
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
    expect(events[0]).toMatchObject({
      type: 'run.start',
      mode: 'causal',
      agent: expect.stringMatching(/gpt-4o-mini$/),
    });
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
