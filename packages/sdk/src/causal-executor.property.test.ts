// fast-check over thousands of random schedules (latencies, failures, hangs, timeouts, lagging
// replicas, read/write declarations over 3 keys, mislabelled answers): the causal executor's
// guarantees hold on every one, checked against ground truth the tools record themselves.
import { analyzeEvents } from '@causelane/analysis';
import type { ToolCallSpec, TraceEvent } from '@causelane/trace-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CausalExecutor } from './causal-executor.ts';
import { VirtualClock } from './clock.ts';
import { runVirtual } from './testing/run-virtual.ts';
import type { Tool } from './tool.ts';
import { VersionedStore } from './world/versioned-store.ts';

type Key = 'a' | 'b' | 'c';

interface CallPlan {
  latency: number;
  reads: Key[];
  writes: Key[];
  fail: 'no' | 'before' | 'after';
  mislabel: boolean;
}

const keys = fc.subarray<Key>(['a', 'b', 'c']);
const callPlan = fc.record({
  latency: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 200 }) },
    { weight: 1, arbitrary: fc.constant(Number.POSITIVE_INFINITY) },
  ),
  reads: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: keys }),
  writes: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: keys }),
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

/** What a tool saw of itself, recorded inside it: the ground truth the trace is checked against. */
interface Truth {
  starts: number[];
  /** The tool returned or threw (so its answer reached the executor). */
  finished: boolean;
}

/** One tool per call, doing exactly what the plan says and declaring its keys honestly. */
function toolFor(id: string, p: CallPlan, clock: VirtualClock, store: VersionedStore, truth: Truth): Tool {
  return {
    name: `tool_${id}`,
    access: { reads: p.reads, writes: p.writes },
    async run(_args, ctx) {
      truth.starts.push(clock.now());
      try {
        await clock.sleep(p.latency);
        if (p.fail === 'before') throw new Error(`fail ${id}`);
        for (const k of p.reads) await store.read(k, ctx);
        for (const k of p.writes) store.write(k, id, ctx);
        if (p.fail === 'after') throw new Error(`fail ${id}`);
        if (p.mislabel) ctx.answerAs(`${id}-retry`);
        return `result:${id}`;
      } finally {
        truth.finished = true;
      }
    },
  };
}

/** Whether some order runs every writer of a key before every other call reading it (brute force). */
function staleFreeOrderExists(batch: readonly CallPlan[]): boolean {
  const n = batch.length;
  const after: number[][] = batch.map(() => []);
  for (const [wi, w] of batch.entries())
    for (const [ri, r] of batch.entries())
      if (wi !== ri && w.writes.some((k) => r.reads.includes(k))) after[ri]!.push(wi);
  const placed = new Array<boolean>(n).fill(false);
  const place = (count: number): boolean => {
    if (count === n) return true;
    for (let c = 0; c < n; c++) {
      if (placed[c] || !after[c]!.every((w) => placed[w])) continue;
      placed[c] = true;
      const ok = place(count + 1);
      placed[c] = false;
      if (ok) return true;
    }
    return false;
  };
  return place(0);
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
  it("keeps every invariant against the tools' ground truth; no stale read when a safe order exists", async () => {
    let multiKey = 0;
    await fc.assert(
      fc.asyncProperty(schedule, async (s) => {
        const clock = new VirtualClock();
        const store = new VersionedStore({ clock, replicaLagMs: s.replicaLagMs });
        const tools: Tool[] = [];
        const truth = new Map<string, Truth>();
        const plan = s.turns.map((calls, t) =>
          calls.map((p, i): ToolCallSpec => {
            const id = `t${t + 1}c${i}`;
            const tr: Truth = { starts: [], finished: false };
            truth.set(id, tr);
            tools.push(toolFor(id, p, clock, store, tr));
            return { id, name: `tool_${id}` };
          }),
        );
        plan.push([]);
        if (s.turns.some((calls) => new Set(calls.flatMap((c) => [...c.reads, ...c.writes])).size > 1))
          multiKey++;
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
        // Ground truth: each tool ran at most once, and none started after its batch's deadline.
        const batchStart = new Map<number, number>();
        for (const e of events) if (e.type === 'llm.response') batchStart.set(e.turn, e.t);
        const timedOut = new Set(events.flatMap((e) => (e.type === 'tool.timeout' ? [e.call] : [])));
        for (const [id, tr] of truth) {
          expect(tr.starts.length, `runs of ${id}`).toBeLessThanOrEqual(1);
          const turn = Number(id.slice(1, id.indexOf('c')));
          for (const at of tr.starts)
            expect(at, `${id} started after the batch deadline`).toBeLessThan(
              batchStart.get(turn)! + s.batchTimeoutMs,
            );
        }
        // The orphan buffer holds exactly the late answers (timed out, then finished), once each.
        const lateTruth = [...truth].filter(([id, tr]) => tr.finished && timedOut.has(id)).map(([id]) => id);
        const lateOrphans = ex.orphans.filter((o) => o.reason === 'late').map((o) => o.call);
        expect(lateOrphans.sort()).toEqual(lateTruth.sort());
        expect([...late].sort()).toEqual(lateTruth.sort());
        for (const id of late) {
          const entry = context.find((c) => c.role === 'tool' && c.call === id);
          expect(entry).toMatchObject({ synthetic: true });
        }
        const text = JSON.stringify(context);
        for (const o of ex.orphans) expect(text).not.toContain(`"result:${o.call}"`);
        // Everything in the orphan buffer is in the trace's orphan record too.
        const traced = new Set(events.flatMap((e) => (e.type === 'tool.orphan' ? [e.call] : [])));
        for (const o of ex.orphans) expect(traced.has(o.call), `tool.orphan for ${o.call}`).toBe(true);
        // Nothing above info, except stale reads where no stale-free order of some batch exists.
        const safe = s.turns.every(staleFreeOrderExists);
        const bad = analyzeEvents(events).anomalies.filter(
          (a) => a.severity !== 'info' && (safe || a.type !== 'stale-read'),
        );
        expect(bad).toEqual([]);
      }),
      { numRuns: 2000 },
    );
    expect(multiKey).toBeGreaterThanOrEqual(1000);
  });
});
