// Edge cases of the causal executor's turn clock and conflict order, each found by an outside
// adversarial test.
import { analyzeEvents } from '@causelane/analysis';
import { describe, expect, it } from 'vitest';
import { CausalExecutor } from './causal-executor.ts';
import { VirtualClock } from './clock.ts';
import type { BatchEnv } from './executor.ts';
import { ScriptedModel } from './models/scripted-model.ts';
import { runAgent } from './run-agent.ts';
import { MemorySink } from './sinks/memory-sink.ts';
import { runVirtual, seqOf } from './testing/run-virtual.ts';
import type { Tool } from './tool.ts';
import { Tracer } from './tracer.ts';
import { VersionedStore } from './world/versioned-store.ts';

const env = (tools: Tool[] = []): BatchEnv => ({
  tools: new Map(tools.map((t) => [t.name, t])),
  tracer: new Tracer({ run: 'unit', sinks: [new MemorySink()] }),
  commit: () => {},
});

describe('CausalExecutor turn clock', () => {
  it('beforeRequest() throws on an old or a skipped turn', async () => {
    const ex = new CausalExecutor();
    expect(() => ex.beforeRequest(2)).toThrow(/turn 2.*next turn is 1/);
    const ticket = ex.beforeRequest(1);
    await ex.runBatch({ turn: 1, calls: [], ticket }, env());
    expect(() => ex.beforeRequest(1)).toThrow(/turn 1.*next turn is 2/);
    expect(() => ex.beforeRequest(3)).toThrow(/turn 3.*next turn is 2/);
  });

  it('does not let a timed-out tool take the agent’s next turn', async () => {
    const clock = new VirtualClock();
    let ex: CausalExecutor;
    const refused: string[] = [];
    const rogue: Tool = {
      name: 'rogue',
      async run() {
        await clock.sleep(60); // past its deadline, while the agent waits for turn 2's model call
        await ex.runBatch({ turn: 2, calls: [] }, env()).catch((e: Error) => refused.push(e.message));
        return 'done';
      },
    };
    ex = new CausalExecutor({ clock, callTimeoutMs: 20 });
    const tracer = new Tracer({ run: 'owner', sinks: [new MemorySink()], now: () => clock.now() });
    const model = new ScriptedModel([[{ id: 'r', name: 'rogue' }], [{ id: 'r2', name: 'noop' }], []], {
      clock,
      latencyMs: 100,
    });
    const noop: Tool = { name: 'noop', run: async () => 'ok' };
    const result = await clock.run(() =>
      runAgent({ model, tools: [rogue, noop], executor: ex, tracer, settleMs: 1000 }),
    );
    expect(result.status).toBe('ok');
    expect(refused).toEqual([expect.stringContaining('turn 2 cannot start')]);
    expect(result.context.find((c) => c.role === 'tool' && c.turn === 2)).toMatchObject({ result: 'ok' });
  });
});

describe('CausalExecutor conflict order', () => {
  it('runs a blind writer before a read-modify-write of the same key: no stale read', async () => {
    const clock = new VirtualClock();
    const store = new VersionedStore({ clock });
    const rmw: Tool = {
      name: 'rmw',
      access: { reads: ['k'], writes: ['k'] },
      async run(_a, ctx) {
        const r = await store.read<number>('k', ctx);
        await clock.sleep(10);
        return store.write('k', (r.value ?? 0) + 1, ctx);
      },
    };
    const blind: Tool = {
      name: 'blind',
      access: { writes: ['k'] },
      async run(_a, ctx) {
        await clock.sleep(5);
        return store.write('k', 100, ctx);
      },
    };
    const { events } = await runVirtual(
      clock,
      new CausalExecutor({ clock }),
      [rmw, blind],
      [
        [
          { id: 'rmw', name: 'rmw' },
          { id: 'w', name: 'blind' },
        ],
        [],
      ],
    );
    expect(seqOf(events, 'tool.start', 'rmw')!).toBeGreaterThan(seqOf(events, 'tool.end', 'w')!);
    expect(analyzeEvents(events).anomalies).toEqual([]);
  });
});
