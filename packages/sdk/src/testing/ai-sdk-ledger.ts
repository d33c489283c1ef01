// Test support for the AI SDK adapter tests: the two SDK majors side by side, the ledger tools as
// AI SDK tools (recording the execute options they get), and a tracer over a memory sink.
import { createOpenAI as createOpenAi6 } from '@ai-sdk/openai';
import type { TraceEvent } from '@causelane/trace-schema';
import * as ai6 from 'ai';
import * as ai7 from 'ai7';
import { createOpenAI as createOpenAi7 } from 'ai7-openai';
import { z } from 'zod';
import { MemorySink } from '../sinks/memory-sink.ts';
import { Tracer } from '../tracer.ts';
import type { Ledger } from './ledger-agent.ts';

// biome-ignore lint/suspicious/noExplicitAny: the two SDK majors share this shape but not their types.
export type Sdk = any;
export const SDKS: Record<'6' | '7', { sdk: Sdk; provider: Sdk }> = {
  '6': { sdk: ai6, provider: createOpenAi6 },
  '7': { sdk: ai7, provider: createOpenAi7 },
};

export function aiLedgerTools(sdk: Sdk, ledger: Ledger, seen: Record<string, unknown>[]) {
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

export async function traced<A>(make: (tracer: Tracer) => A) {
  const sink = new MemorySink();
  const tracer = new Tracer({ sinks: [sink] });
  return { adapter: make(tracer), events: () => tracer.close().then(() => sink.events as TraceEvent[]) };
}
