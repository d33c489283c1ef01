// fast-check over thousands of random schedules (latencies, failures, hangs, timeouts, lagging
// replicas, conflicting keys): the causal executor's guarantees hold on every one.
import { analyzeEvents } from '@causelane/analysis';
import type { ToolCallSpec, TraceEvent } from '@causelane/trace-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CausalExecutor } from './causal-executor.ts';
import { VirtualClock } from './clock.ts';
import { runVirtual } from './testing-harness.ts';
import type { Tool } from './tool.ts';
import { VersionedStore } from './world/versioned-store.ts';

interface CallPlan {
  latency: number;
  op: 'none' | 'read' | 'write';
  key: 'a' | 'b' | 'c';
  fail: 'no' | 'before' | 'after';
  mislabel: boolean;
}

const callPlan = fc.record({
  latency: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 200 }) },
    { weight: 1, arbitrary: fc.constant(Number.POSITIVE_INFINITY) },
  ),
  op: fc.constantFrom('none', 'read', 'write'),
  key: fc.constantFrom('a', 'b', 'c'),
  fail: fc.constantFrom('no', 'no', 'no', 'before', 'after'),
  mislabel: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
}) as fc.Arbitrary<CallPlan>;

const schedule = fc.record({
  turns: fc.array(fc.array(callPlan, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  callTimeoutMs: fc.integer({ min: 20, max: 300 }),
  batchTimeoutMs: fc.integer({ min: 50, max: 800 }),
  replicaLagMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 })),
  settleMs: fc.integer({ min: 0, max: 500 }),
});

/** One tool per call, doing exactly what the plan says (and declaring its key honestly). */
function toolFor(id: string, p: CallPlan, clock: VirtualClock, store: VersionedStore): Tool {
  return {
    name: `tool_${id}`,
    access: p.op === 'read' ? { reads: [p.key] } : p.op === 'write' ? { writes: [p.key] } : {},
    async run(_args, ctx) {
      await clock.sleep(p.latency);
      if (p.fail === 'before') throw new Error(`fail ${id}`);
      if (p.op === 'read') await store.read(p.key, ctx);
      if (p.op === 'write') store.write(p.key, id, ctx);
      if (p.fail === 'after') throw new Error(`fail ${id}`);
      if (p.mislabel) ctx.answerAs(`${id}-retry`);
      return `result:${id}`;
    },
  };
}

function checkInvariants(events: TraceEvent[], lateIds: Set<string>): void {
  const callTurn = new Map<string, number>();
  const callIndex = new Map<string, number>();
  const resolved = new Map<string, number>();
  const commits = new Map<string, number>();
  const closedAt = new Map<string, number>();
  /** Calls whose answer named another call id: orphaned ('cancelled') before their commit. */
  const cancelled = new Set<string>();
  const commitsByTurn = new Map<number, string[]>();
  let lastRequestTurn = 0;
  for (const e of events) {
    if (e.type === 'llm.request') {
      // Turn ids go up by exactly one.
      expect(e.turn).toBe(lastRequestTurn + 1);
      lastRequestTurn = e.turn;
      // No request while a call of an earlier turn is unresolved.
      for (const [id, t] of callTurn)
        if (t < e.turn) expect(resolved.has(id), `call ${id} unresolved at turn ${e.turn}`).toBe(true);
    } else if (e.type === 'llm.response') {
      e.calls.forEach((c: ToolCallSpec, i: number) => {
        callTurn.set(c.id, e.turn);
        callIndex.set(c.id, i);
      });
    } else if (e.type === 'tool.commit') {
      expect(callTurn.get(e.call)).toBe(e.turn);
      commits.set(e.call, (commits.get(e.call) ?? 0) + 1);
      // Commits of a turn come before the next request (checked above) and in index order.
      const list = commitsByTurn.get(e.turn) ?? [];
      list.push(e.call);
      commitsByTurn.set(e.turn, list);
      if (!resolved.has(e.call)) resolved.set(e.call, e.seq);
      // A closed call's commit can only be the synthetic stand-in.
      if (closedAt.has(e.call) || cancelled.has(e.call)) expect(e.synthetic).toBe(true);
    } else if (e.type === 'tool.timeout') {
      if (!resolved.has(e.call)) resolved.set(e.call, e.seq);
      closedAt.set(e.call, e.seq);
    } else if (e.type === 'tool.orphan') {
      if (e.reason === 'late') {
        expect(closedAt.has(e.call), `late orphan ${e.call} of a closed call`).toBe(true);
        lateIds.add(e.call);
      } else {
        // A mis-addressed answer arrives in time but is no answer to its call.
        expect(e.reason).toBe('cancelled');
        expect(resolved.has(e.call), `cancelled orphan ${e.call} before its commit`).toBe(false);
        cancelled.add(e.call);
      }
    } else if (e.type === 'tool.end' && closedAt.has(e.call)) {
      lateIds.add(e.call);
    }
  }
  for (const [turn, list] of commitsByTurn) {
    const idx = list.map((c) => callIndex.get(c)!);
    expect(idx, `turn ${turn} commit order`).toEqual([...idx].sort((a, b) => a - b));
  }
  // Each call id is committed exactly once.
  for (const id of callTurn.keys()) expect(commits.get(id), `commits of ${id}`).toBe(1);
}

describe('CausalExecutor under random schedules', () => {
  it('keeps every invariant, and the analyzer finds nothing above info', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async (s) => {
        const clock = new VirtualClock();
        const store = new VersionedStore({ clock, replicaLagMs: s.replicaLagMs });
        const tools: Tool[] = [];
        const plan = s.turns.map((calls, t) =>
          calls.map((p, i): ToolCallSpec => {
            const id = `t${t + 1}c${i}`;
            tools.push(toolFor(id, p, clock, store));
            return { id, name: `tool_${id}` };
          }),
        );
        plan.push([]);
        const ex = new CausalExecutor({
          clock,
          callTimeoutMs: s.callTimeoutMs,
          batchTimeoutMs: s.batchTimeoutMs,
        });
        const { events, context, result } = await runVirtual(clock, ex, tools, plan, {
          settleMs: s.settleMs,
        });
        expect(result.status).toBe('ok');
        const late = new Set<string>();
        checkInvariants(events, late);
        // Late results go only to the orphan buffer, never into the context.
        const orphaned = new Set(ex.orphans.filter((o) => o.reason === 'late').map((o) => o.call));
        for (const id of late) {
          expect(orphaned.has(id), `late ${id} in the orphan buffer`).toBe(true);
          const entry = context.find((c) => c.role === 'tool' && c.call === id);
          expect(entry).toMatchObject({ synthetic: true });
        }
        const text = JSON.stringify(context);
        for (const o of ex.orphans) expect(text).not.toContain(`"result:${o.call}"`);
        // Everything in the orphan buffer is in the trace's orphan record too.
        const traced = new Set(events.flatMap((e) => (e.type === 'tool.orphan' ? [e.call] : [])));
        for (const o of ex.orphans) expect(traced.has(o.call), `tool.orphan for ${o.call}`).toBe(true);
        const bad = analyzeEvents(events).anomalies.filter((a) => a.severity !== 'info');
        expect(bad).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
