// Test support for the adapters: one agent task that every framework runs the same way. The model
// asks for three parallel calls: a slow read of an account, a fast deposit to it, and an audit that
// answers only after the causal executor's deadline. Ground truth is recorded inside the tools.
import { analyzeEvents, anomalyKey } from '@causelane/analysis';
import { type TraceEvent, validateEvent } from '@causelane/trace-schema';
import type { ToolDeclarations } from '../adapters/core/tool-state.ts';
import type { PlannedCall } from './mock-llm-server.ts';

export const LEDGER_PROMPT = 'Deposit 10 into account a, tell me the balance, and log an audit note.';

export const LEDGER_PLAN: readonly (readonly PlannedCall[])[] = [
  [
    { id: 'call_balance', name: 'balance', args: { account: 'a' } },
    { id: 'call_deposit', name: 'deposit', args: { account: 'a', amount: 10 } },
    { id: 'call_audit', name: 'audit', args: { note: 'deposit' } },
  ],
];

/** Deadlines for the causal runs: the audit (400 ms) outlives the call deadline, the rest do not. */
export const LEDGER_TIMING = { readMs: 60, writeMs: 5, auditMs: 400, callTimeoutMs: 200, settleMs: 700 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AccountView {
  balance: number;
  version: number;
}

/** The account the tools share, and what each tool really did. */
export class Ledger {
  balance = 100;
  version = 1;
  readonly ran: string[] = [];
  readonly finished: string[] = [];

  /** Reads when it starts, answers later: a deposit landing in between is not seen. */
  async readBalance(): Promise<AccountView> {
    this.ran.push('balance');
    const seen = { balance: this.balance, version: this.version };
    await sleep(LEDGER_TIMING.readMs);
    this.finished.push('balance');
    return seen;
  }

  async deposit(amount: number): Promise<AccountView> {
    this.ran.push('deposit');
    await sleep(LEDGER_TIMING.writeMs);
    this.balance += amount;
    this.version++;
    this.finished.push('deposit');
    return { balance: this.balance, version: this.version };
  }

  async audit(note: string): Promise<string> {
    this.ran.push('audit');
    await sleep(LEDGER_TIMING.auditMs);
    this.finished.push('audit');
    return `logged: ${note}`;
  }
}

const view = (r: unknown): AccountView => (typeof r === 'string' ? JSON.parse(r) : r) as AccountView;

/** What the adapters are told: balance reads the account, deposit writes it, with the versions seen. */
export const LEDGER_DECLARATIONS: ToolDeclarations = {
  balance: {
    access: { reads: ['account:a'] },
    state: (_args, r) => ({ reads: [{ key: 'account:a', version: view(r).version }] }),
  },
  deposit: {
    access: { writes: ['account:a'] },
    state: (_args, r) => ({ writes: [{ key: 'account:a', version: view(r).version }] }),
  },
};

/**
 * Anomalies as `type|severity|call` (run and turn left out, they differ per framework), sorted.
 * Throws on an event the collector would refuse, naming its seq and field.
 */
export function verdict(events: readonly TraceEvent[]): string[] {
  for (const e of events) {
    const v = validateEvent(JSON.parse(JSON.stringify(e)));
    if (!v.ok) throw new Error(`event seq ${e.seq} (${e.type}): ${v.error.field}: ${v.error.message}`);
  }
  return analyzeEvents(events)
    .anomalies.map((a) => {
      const [, type, severity, , call] = anomalyKey(a).split('|');
      return `${type}|${severity}|${call}`;
    })
    .sort();
}

/** The anomalies above info. */
export const serious = (events: readonly TraceEvent[]) =>
  verdict(events).filter((k) => !k.includes('|info|'));
