// The teaching scenarios: each a short realistic story that provokes its anomalies under the naive
// executor and none above `info` under the causal one. Latencies are simulated milliseconds.
import { latency, sampleLatency } from '../world/latency.ts';
import { simTool } from '../world/sim-tool.ts';
import { VersionedStore } from '../world/versioned-store.ts';
import type { Scenario } from './scenario.ts';
import { call, editTool, fileTools, thinking } from './scenario-tools.ts';

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'read-write-race',
    title: 'Reading a file while writing it',
    expects: ['stale-read', 'commit-order'],
    explanation:
      'The model saves the release notes and, in the same turn, reads them back to check. Both calls run in parallel; the read is quicker, so it returns the old draft while the write is still in flight. The model decides on data that was already out of date when it saw it, and its results also come back in arrival order, not call order. The causal executor knows both calls touch file:notes.md and runs the write first, so the read sees the new content.',
    mirrors: 'gemini-cli PR #10287: write_file and read_file raced in one batch',
    agent: 'release-bot',
    setup(w) {
      const store = new VersionedStore({ clock: w.clock });
      store.seed('file:notes.md', 'draft');
      return {
        tools: fileTools(w, store, [20, 80], [120, 260]),
        plan: [
          [
            call('w1', 'write_file', { path: 'notes.md', content: 'v2.0: faster sync' }),
            call('r1', 'read_file', { path: 'notes.md' }),
          ],
          (s) => {
            const read = s.result('r1')?.result as { content?: string } | undefined;
            // The model saw the old draft, so it "fixes" a write that had in fact worked.
            return read?.content === 'v2.0: faster sync'
              ? []
              : [call('w2', 'write_file', { path: 'notes.md', content: 'v2.0: faster sync' })];
          },
        ],
        modelLatency: thinking,
        naive: {},
        causal: { callTimeoutMs: 2000 },
        settleMs: 0,
      };
    },
  },
  {
    name: 'impatient-loop',
    title: 'An agent loop that stops waiting',
    expects: ['premature-llm-call', 'late-commit'],
    explanation:
      'The agent answers a travel question with a calculator, a weather lookup and a web search. Its loop calls the model again after a 300 ms timer instead of waiting for every call, so the model answers without the search; the search result then lands in the context of a later turn, where it no longer belongs. The causal executor blocks the next model call until every call has answered or hit its deadline.',
    mirrors: 'cloudflare/agents #1649: the loop continued before all tool results were in',
    agent: 'travel-helper',
    setup(w) {
      const tool = (name: string, l: ReturnType<typeof latency.fixed>, result: unknown) =>
        simTool(w.clock, w.random, { name, latency: l, act: () => result });
      return {
        tools: [
          tool('calculator', latency.fixed(30), { value: 1260 }),
          tool('get_weather', latency.uniform(60, 150), { city: 'Lisbon', forecast: 'sunny, 24C' }),
          tool('web_search', latency.longTail(900, 0.4), {
            hits: ['Lisbon ferry timetable', 'Sintra day trip'],
          }),
        ],
        plan: [
          [
            call('calc', 'calculator', { expr: '3 * 420' }),
            call('weather', 'get_weather', { city: 'Lisbon' }),
            call('search', 'web_search', { q: 'Lisbon day trips' }),
          ],
          [],
        ],
        modelLatency: thinking,
        naive: { continueAfter: { ms: 300 } },
        causal: { callTimeoutMs: 2500 },
        settleMs: 3000,
      };
    },
  },
  {
    name: 'arrival-order',
    title: 'Results committed in arrival order',
    expects: ['commit-order'],
    explanation:
      'A support agent looks up an order, its shipment and its refund eligibility in parallel. Each result is appended to the conversation the moment it arrives, so the tool messages come back in a different order than the tool calls: some providers reject that, others let the model pair a result with the wrong question. The causal executor commits all results at once, in call order.',
    mirrors: 'vercel/ai #16567 and anthropics/claude-code #21906: tool results out of call order',
    agent: 'support-desk',
    setup(w) {
      const store = new VersionedStore({ clock: w.clock });
      store.seed('order:A-17', { total: 84 });
      store.seed('shipment:A-17', { status: 'lost in transit' });
      store.seed('refund:A-17', { eligible: true });
      const lookup = (name: string, key: string, l: [number, number]) =>
        simTool(w.clock, w.random, {
          name,
          access: { reads: [key] },
          latency: latency.uniform(...l),
          act: async (_a, ctx) => (await store.read(key, ctx)).value,
        });
      return {
        tools: [
          lookup('get_order', 'order:A-17', [250, 450]),
          lookup('get_shipment', 'shipment:A-17', [100, 230]),
          lookup('check_refund', 'refund:A-17', [20, 90]),
          simTool(w.clock, w.random, {
            name: 'issue_refund',
            access: { writes: ['refund:A-17'] },
            latency: latency.uniform(80, 160),
            act: (_a, ctx) => ({
              refunded: store.write('refund:A-17', { eligible: false, refunded: 84 }, ctx) > 0,
            }),
          }),
        ],
        plan: [
          [
            call('order', 'get_order', { order: 'A-17' }),
            call('ship', 'get_shipment', { order: 'A-17' }),
            call('refund', 'check_refund', { order: 'A-17' }),
          ],
          (s) => {
            const r = s.result('refund')?.result as { eligible?: boolean } | undefined;
            return r?.eligible ? [call('pay', 'issue_refund', { order: 'A-17' })] : [];
          },
        ],
        modelLatency: thinking,
        naive: {},
        causal: { callTimeoutMs: 2000 },
        settleMs: 0,
      };
    },
  },
  {
    name: 'lost-update',
    title: 'Two parallel edits of one file',
    expects: ['ww-conflict'],
    explanation:
      'A coding agent makes two small edits to config.yaml in one turn. Each edit reads the file, changes it and writes it back; run in parallel, both start from the same version, and the slower write silently discards the other edit (a lost update). The model then reads the file and finds one change missing. The causal executor sees that both calls write file:config.yaml and runs them one after another, in call order.',
    mirrors: 'letta-code PR #377: parallel edits of one file lost an update',
    agent: 'code-agent',
    setup(w) {
      const store = new VersionedStore({ clock: w.clock });
      store.seed('file:config.yaml', 'name: api\n');
      return {
        tools: [editTool(w.clock, w.random, store), ...fileTools(w, store, [30, 70], [60, 120])],
        plan: [
          [
            call('e1', 'edit_file', { path: 'config.yaml', append: 'retries: 3' }),
            call('e2', 'edit_file', { path: 'config.yaml', append: 'timeout: 30', big: true }),
          ],
          [call('check', 'read_file', { path: 'config.yaml' })],
        ],
        modelLatency: thinking,
        naive: {},
        causal: { callTimeoutMs: 2000 },
        settleMs: 0,
      };
    },
  },
  {
    name: 'hung-tool',
    title: 'A hung tool and its late result',
    expects: ['late-commit'],
    explanation:
      'A CI agent runs the test suite and the linter in parallel. The test runner hangs; the loop gives up on it after 800 ms and moves on, but its handler was never cancelled, so when the tests finally report, the result is appended to the context of a later turn, and the model API sees a call id that was never answered in its own turn. The causal executor enforces the deadline itself, commits a synthetic timeout result for that call id, and keeps the late result in the orphaned-results buffer.',
    mirrors: 'sudocode PR #550: a hung tool call needed a timeout and a stand-in result',
    agent: 'ci-agent',
    setup(w) {
      const tool = (name: string, l: ReturnType<typeof latency.fixed>, result: unknown) =>
        simTool(w.clock, w.random, { name, latency: l, act: () => result });
      return {
        tools: [
          tool('run_tests', latency.hang(2200), { passed: 412, failed: 0 }),
          tool('lint', latency.uniform(100, 200), { warnings: 2 }),
          tool('post_status', latency.fixed(50), { posted: true }),
        ],
        plan: [
          [call('tests', 'run_tests', { suite: 'all' }), call('lint', 'lint', {})],
          (s) => {
            const tests = s.result('tests');
            const status = tests?.ok ? 'tests passed' : 'tests did not finish';
            return [call('status', 'post_status', { text: status })];
          },
        ],
        modelLatency: thinking,
        naive: { timeoutMs: 800 },
        causal: { callTimeoutMs: 800 },
        settleMs: 2500,
      };
    },
  },
  {
    name: 'lagging-replica',
    title: 'A lagging replica across turns',
    expects: ['stale-read'],
    explanation:
      "A billing agent changes a customer's email, then, next turn, reads the profile back to send a receipt. The read is served by a replica that is 600 ms behind, so it returns the old email, and the receipt goes to the wrong address. Nothing ran in parallel: the bug is reading older state than the agent itself already wrote. The causal executor tracks the highest version it has seen written per key and hands it to tools, so the read waits until the replica has caught up (read-your-writes).",
    mirrors:
      'no single report: the read-your-writes gap of any eventually consistent replica, met across agent turns',
    agent: 'billing-agent',
    setup(w) {
      const store = new VersionedStore({ clock: w.clock, replicaLagMs: 600 });
      store.seed('user:42', { email: 'old@example.com' });
      return {
        tools: [
          simTool<{ user: number; email: string }>(w.clock, w.random, {
            name: 'update_email',
            access: (a) => ({ writes: [`user:${a.user}`] }),
            latency: latency.uniform(40, 100),
            act: (a, ctx) => ({ version: store.write(`user:${a.user}`, { email: a.email }, ctx) }),
          }),
          simTool<{ user: number }>(w.clock, w.random, {
            name: 'get_profile',
            access: (a) => ({ reads: [`user:${a.user}`] }),
            latency: latency.uniform(30, 80),
            act: async (a, ctx) => (await store.read(`user:${a.user}`, ctx)).value,
          }),
          simTool<{ to: string }>(w.clock, w.random, {
            name: 'send_receipt',
            latency: latency.fixed(40),
            act: (a) => ({ sent: a.to }),
          }),
        ],
        plan: [
          [call('upd', 'update_email', { user: 42, email: 'new@example.com' })],
          [call('get', 'get_profile', { user: 42 })],
          (s) => {
            const p = s.result('get')?.result as { email?: string } | undefined;
            return [call('mail', 'send_receipt', { to: p?.email ?? 'unknown' })];
          },
        ],
        modelLatency: thinking,
        naive: {},
        causal: { callTimeoutMs: 2500 },
        settleMs: 0,
      };
    },
  },
  {
    name: 'retry-id-mismatch',
    title: 'A retry that answers with the wrong id',
    expects: ['unmatched-result', 'premature-llm-call'],
    explanation:
      "An accounting agent fetches an invoice through a flaky service. The first attempt fails and a retry layer tries again, but the retry's answer carries the retry's own call id, not the id the model asked with. The naive loop trusts the id on the answer: it commits a result for a call the model never made, and the real call is never answered before the next model call. The causal executor binds each answer to the call it dispatched, keeps the mislabelled answer out of the context, and commits an explicit error for the real call id.",
    mirrors: 'google/adk-python #5989: function response id mismatched after a retry',
    agent: 'accounts-agent',
    setup(w) {
      return {
        tools: [
          simTool(w.clock, w.random, {
            name: 'get_customer',
            latency: latency.uniform(40, 100),
            act: () => ({ name: 'Ada Ltd', terms: 'net 30' }),
          }),
          {
            name: 'fetch_invoice',
            async run(a: { invoice: string }, ctx) {
              await w.clock.sleep(sampleLatency(latency.uniform(50, 120), w.random));
              // Attempt 1 failed with a 503; the retry layer mints a new id for attempt 2.
              await w.clock.sleep(sampleLatency(latency.uniform(80, 160), w.random));
              ctx.answerAs(`${ctx.call}_retry1`);
              return { invoice: a.invoice, amount: 1840, status: 'overdue' };
            },
          },
        ],
        plan: [
          [call('cust', 'get_customer', { id: 'C-9' }), call('inv', 'fetch_invoice', { invoice: 'INV-881' })],
          [],
        ],
        modelLatency: thinking,
        naive: {},
        causal: { callTimeoutMs: 2000 },
        settleMs: 500,
      };
    },
  },
];
