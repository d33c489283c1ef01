// AI SDK 7's telemetry integration against the real `ai` 7 and a loopback mock LLM: an unmodified
// agent (no wrapped model or tools) is streamed as format v1, and its stale read is flagged.

import type { TraceEvent } from '@causelane/trace-schema';
import * as ai from 'ai7';
import { createOpenAI } from 'ai7-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemorySink } from '../../sinks/memory-sink.ts';
import {
  LEDGER_DECLARATIONS,
  LEDGER_PLAN,
  LEDGER_PROMPT,
  Ledger,
  verdict,
} from '../../testing/ledger-agent.ts';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm-server.ts';
import { currentToolCall } from '../core/tool-state.ts';
import { CauselaneTelemetry } from './causelane-telemetry.ts';

let mock: MockLlm;
const sink = new MemorySink();
const telemetry = CauselaneTelemetry({ sink, tools: { deposit: LEDGER_DECLARATIONS.deposit! } });
beforeAll(async () => {
  mock = await startMockLlm(LEDGER_PLAN, 'The balance is 110.');
  ai.registerTelemetry(telemetry);
});
afterAll(async () => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
  await mock.close();
});

function tools(ledger: Ledger) {
  return {
    balance: ai.tool({
      inputSchema: z.object({ account: z.string() }),
      execute: async () => {
        const seen = await ledger.readBalance();
        // No declaration for balance: it notes its own read, through the integration's executeTool.
        currentToolCall()?.noteRead({ key: 'account:a', version: seen.version });
        return seen;
      },
    }),
    deposit: ai.tool({
      inputSchema: z.object({ account: z.string(), amount: z.number() }),
      execute: (a) => ledger.deposit(a.amount),
    }),
    audit: ai.tool({ inputSchema: z.object({ note: z.string() }), execute: (a) => ledger.audit(a.note) }),
  };
}

describe.each([
  { api: 'chat', stream: false },
  { api: 'responses', stream: true },
] as const)('registerTelemetry(CauselaneTelemetry) on ai 7, $api, stream: $stream', ({ api, stream }) => {
  it('records the run as the SDK ran it and flags the stale read', async () => {
    const openai = createOpenAI({ baseURL: mock.url, apiKey: 'test-key' });
    const before = new Set(sink.events.map((e) => e.run));
    const opts = {
      model: api === 'chat' ? openai.chat('gpt-4o-mini') : openai.responses('gpt-4o-mini'),
      tools: tools(new Ledger()),
      stopWhen: ai.stepCountIs(4),
      prompt: LEDGER_PROMPT,
    };
    if (stream) await ai.streamText(opts).consumeStream();
    else await ai.generateText(opts);
    await telemetry.flush();
    const events = sink.events.filter((e) => !before.has(e.run)) as TraceEvent[];
    expect(new Set(events.map((e) => e.run)).size).toBe(1);
    expect(events.map((e) => e.type)).toEqual([
      'run.start',
      'llm.request',
      'llm.response',
      'tool.start',
      'tool.start',
      'tool.start',
      'tool.end',
      'tool.end',
      'tool.end',
      'tool.commit',
      'tool.commit',
      'tool.commit',
      'llm.request',
      'llm.response',
      'run.end',
    ]);
    expect(events.find((e) => e.type === 'tool.end' && e.call === 'call_balance')).toMatchObject({
      reads: [{ key: 'account:a', version: 1 }],
    });
    expect(verdict(events)).toEqual(['stale-read|error|call_balance']);
  });
});
