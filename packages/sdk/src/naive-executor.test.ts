import { analyzeEvents } from '@causelane/analysis';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';
import { NaiveExecutor } from './naive-executor.ts';
import { runVirtual, seqOf, waitTool } from './testing/run-virtual.ts';

const types = (events: Parameters<typeof analyzeEvents>[0]) =>
  [...new Set(analyzeEvents(events).anomalies.map((a) => a.type))].sort();

describe('NaiveExecutor', () => {
  it('Promise.all with commit on arrival: waits for all, commits in arrival order', async () => {
    const clock = new VirtualClock();
    const tools = [waitTool(clock, 'slow', 200), waitTool(clock, 'fast', 10)];
    const { events, context } = await runVirtual(clock, new NaiveExecutor({ clock }), tools, [
      [
        { id: 's', name: 'slow' },
        { id: 'f', name: 'fast' },
      ],
      [],
    ]);
    expect(context.filter((c) => c.role === 'tool').map((c) => (c.role === 'tool' ? c.call : ''))).toEqual([
      'f',
      's',
    ]);
    expect(seqOf(events, 'llm.request')).toBeLessThan(seqOf(events, 'tool.commit', 's')!);
    expect(types(events)).toEqual(['commit-order']);
  });

  it('continues after the first N results, so later ones land in the next turn', async () => {
    const clock = new VirtualClock();
    const tools = [waitTool(clock, 'a', 10), waitTool(clock, 'b', 300)];
    const { events } = await runVirtual(
      clock,
      new NaiveExecutor({ clock, continueAfter: { results: 1 } }),
      tools,
      [
        [
          { id: 'a', name: 'a' },
          { id: 'b', name: 'b' },
        ],
        [],
      ],
      { settleMs: 1000 },
    );
    expect(types(events)).toEqual(['late-commit', 'premature-llm-call']);
  });

  it('continues after a timer', async () => {
    const clock = new VirtualClock();
    const { events } = await runVirtual(
      clock,
      new NaiveExecutor({ clock, continueAfter: { ms: 50 } }),
      [waitTool(clock, 'slow', 400)],
      [[{ id: 's', name: 'slow' }], []],
      { settleMs: 1000 },
    );
    const request2 = events.find((e) => e.type === 'llm.request' && e.turn === 2)!;
    expect(request2.t - events.find((e) => e.type === 'tool.start')!.t).toBe(50);
    expect(types(events)).toEqual(['late-commit', 'premature-llm-call']);
  });

  it('with a timeout gives up waiting but still commits the late result on arrival', async () => {
    const clock = new VirtualClock();
    const { events, context } = await runVirtual(
      clock,
      new NaiveExecutor({ clock, timeoutMs: 100 }),
      [waitTool(clock, 'hang', 500, 'late data')],
      [[{ id: 'h', name: 'hang' }], []],
      { settleMs: 1000 },
    );
    expect(seqOf(events, 'tool.timeout', 'h')).toBeLessThan(seqOf(events, 'llm.request')! + 10);
    expect(JSON.stringify(context)).toContain('late data');
    expect(types(events)).toEqual(['late-commit']);
  });

  it('without a timeout a hung tool hangs the agent', async () => {
    const clock = new VirtualClock();
    const ex = new NaiveExecutor({ clock });
    const run = clock.run(() =>
      ex.runBatch(
        { turn: 1, calls: [{ id: 'h', name: 'hang' }] },
        {
          tools: new Map([['hang', waitTool(clock, 'hang', Number.POSITIVE_INFINITY)]]),
          tracer: { emit: () => ({}) } as never,
          commit: () => {},
        },
      ),
    );
    await expect(run).rejects.toThrow(/deadlock/);
  });
});
