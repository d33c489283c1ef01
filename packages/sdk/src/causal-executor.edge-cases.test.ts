// The executor's edge cases an adversarial outside test found: each test here failed before its fix.
import { analyzeEvents } from '@causelane/analysis';
import { describe, expect, it } from 'vitest';
import { CausalExecutor } from './causal-executor.ts';
import { VirtualClock } from './clock.ts';
import type { BatchEnv } from './executor.ts';
import { ScriptedModel } from './models/scripted-model.ts';
import { runAgent } from './run-agent.ts';
import { MemorySink } from './sinks/memory-sink.ts';
import { runVirtual } from './testing/run-virtual.ts';
import type { Tool } from './tool.ts';
import { Tracer } from './tracer.ts';

const env = (tools: Tool[] = []): BatchEnv => ({
  tools: new Map(tools.map((t) => [t.name, t])),
  tracer: new Tracer({ run: 'unit', sinks: [new MemorySink()] }),
  commit: () => {},
});

/** A tool that counts its runs and their start times, then waits `ms` of virtual time. */
function countingTool(clock: VirtualClock, name: string, ms: number, access: Tool['access'] = {}) {
  const starts: number[] = [];
  const tool: Tool = {
    name,
    access,
    async run() {
      starts.push(clock.now());
      await clock.sleep(ms);
      return name;
    },
  };
  return { tool, starts };
}

describe('CausalExecutor start() guard', () => {
  it('never starts a call twice when a refused call releases a dependent', async () => {
    const clock = new VirtualClock();
    // Turn 1: a writer of k hangs and times out, so k is in doubt.
    const hung = countingTool(clock, 'hung', 10_000, { writes: ['k'] });
    // Turn 2: A touches k (refused at once), B reads j which A writes, so B waits on A.
    const a = countingTool(clock, 'a', 5, { reads: ['k'], writes: ['j'] });
    const b = countingTool(clock, 'b', 5, { reads: ['j'] });
    const ex = new CausalExecutor({ clock, callTimeoutMs: 50 });
    const { context } = await runVirtual(
      clock,
      ex,
      [hung.tool, a.tool, b.tool],
      [
        [{ id: 'h', name: 'hung' }],
        [
          { id: 'a', name: 'a' },
          { id: 'b', name: 'b' },
        ],
        [],
      ],
    );
    expect(a.starts).toEqual([]);
    expect(b.starts.length).toBe(1);
    expect(context.filter((c) => c.role === 'tool' && c.call === 'b')).toHaveLength(1);
  });

  it('never starts a call it settled as not run, nor any call after the batch deadline', async () => {
    const clock = new VirtualClock();
    // Q writes k and outlives the batch; P reads k and writes m (waits on Q); X reads m (waits on P).
    const q = countingTool(clock, 'q', 10_000, { writes: ['k'] });
    const p = countingTool(clock, 'p', 5, { reads: ['k'], writes: ['m'] });
    const x = countingTool(clock, 'x', 5, { reads: ['m'] });
    const ex = new CausalExecutor({ clock, callTimeoutMs: 5_000, batchTimeoutMs: 100 });
    const t0 = clock.now();
    const { events, context } = await runVirtual(
      clock,
      ex,
      [q.tool, p.tool, x.tool],
      [
        [
          { id: 'x', name: 'x' },
          { id: 'p', name: 'p' },
          { id: 'q', name: 'q' },
        ],
        [],
      ],
    );
    expect(x.starts).toEqual([]);
    expect(p.starts).toEqual([]);
    for (const s of q.starts) expect(s).toBeLessThan(t0 + 100);
    expect(events.filter((e) => e.type === 'tool.start').map((e) => ('call' in e ? e.call : ''))).toEqual([
      'q',
    ]);
    expect(context.find((c) => c.role === 'tool' && c.call === 'x')).toMatchObject({
      synthetic: true,
      error: expect.stringContaining('not run'),
    });
  });

  it('counts stragglers right: settle() waits for each late answer, which is orphaned once', async () => {
    const clock = new VirtualClock();
    const hung = countingTool(clock, 'hung', 10_000, { writes: ['k'] });
    const a = countingTool(clock, 'a', 5, { reads: ['k'], writes: ['j'] });
    const b = countingTool(clock, 'b', 300, { reads: ['j'] });
    const ex = new CausalExecutor({ clock, callTimeoutMs: 50 });
    await runVirtual(
      clock,
      ex,
      [hung.tool, a.tool, b.tool],
      [
        [{ id: 'h', name: 'hung' }],
        [
          { id: 'a', name: 'a' },
          { id: 'b', name: 'b' },
        ],
        [],
      ],
      { settleMs: 20_000 },
    );
    expect(ex.orphans.map((o) => o.call).sort()).toEqual(['b', 'h']);
  });
});

describe('CausalExecutor robustness', () => {
  it('survives a late answer after tracer.close(): the emit is dropped and counted', async () => {
    const rejections: unknown[] = [];
    const onRejection = (r: unknown) => rejections.push(r);
    process.on('unhandledRejection', onRejection);
    try {
      const slow: Tool = { name: 'slow', run: () => new Promise((r) => setTimeout(() => r('late'), 40)) };
      const ex = new CausalExecutor({ callTimeoutMs: 5 });
      const tracer = new Tracer({ run: 'late', sinks: [new MemorySink()] });
      const model = new ScriptedModel([[{ id: 's', name: 'slow' }], []]);
      const result = await runAgent({ model, tools: [slow], executor: ex, tracer });
      expect(result.status).toBe('ok');
      await tracer.close();
      await new Promise((r) => setTimeout(r, 80));
      expect(rejections).toEqual([]);
      expect(tracer.droppedAfterClose).toBe(2); // the late tool.end and tool.orphan
      expect(ex.orphans).toMatchObject([{ call: 's', reason: 'late', result: 'late' }]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('turns anything a tool throws into an error string (null-prototype objects, symbols)', async () => {
    const weird: unknown[] = [
      Object.create(null),
      Symbol('boom'),
      {
        toString() {
          throw new Error('no');
        },
      },
    ];
    const tools: Tool[] = weird.map((w, i) => ({
      name: `t${i}`,
      run: async () => {
        throw w;
      },
    }));
    const entries: unknown[] = [];
    const ex = new CausalExecutor();
    await ex.runBatch(
      { turn: 1, calls: tools.map((t) => ({ id: t.name, name: t.name })) },
      { ...env(tools), commit: (e) => entries.push(...e) },
    );
    expect(entries).toHaveLength(3);
    for (const e of entries) expect(e).toMatchObject({ ok: false, error: expect.any(String) });
    expect(entries[1]).toMatchObject({ error: 'Symbol(boom)' });
  });

  it('hands a tool a signal that is aborted once its deadline passed, even when read late', async () => {
    const clock = new VirtualClock();
    const seen: boolean[] = [];
    const late: Tool = {
      name: 'late',
      async run(_a, ctx) {
        await clock.sleep(100);
        seen.push(ctx.signal.aborted);
        return 'done';
      },
    };
    const ex = new CausalExecutor({ clock, callTimeoutMs: 50 });
    await runVirtual(clock, ex, [late], [[{ id: 'l', name: 'late' }], []], { settleMs: 500 });
    expect(seen).toEqual([true]);
  });

  it.each([
    ['callTimeoutMs', Number.NaN],
    ['callTimeoutMs', '100'],
    ['callTimeoutMs', -1],
    ['callTimeoutMs', 0],
    ['batchTimeoutMs', Number.NaN],
    ['batchTimeoutMs', Number.POSITIVE_INFINITY],
    ['batchTimeoutMs', -5],
    ['readYourWrites', 'yes'],
    ['clock', {}],
  ])('refuses option %s = %s with an error naming it', (name, value) => {
    expect(() => new CausalExecutor({ [name]: value } as never)).toThrow(
      new RegExp(`CausalExecutor option ${name} `),
    );
  });

  it('accepts callTimeoutMs: Infinity (only the batch deadline applies)', () => {
    expect(() => new CausalExecutor({ callTimeoutMs: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it('fails only the call whose access() throws; the others run', async () => {
    const clock = new VirtualClock();
    const ok = countingTool(clock, 'ok', 5, { writes: ['k'] });
    const bad: Tool = {
      name: 'bad',
      access: () => {
        throw new Error('args lack a key');
      },
      run: async () => 'ran',
    };
    const { context, result, events } = await runVirtual(
      clock,
      new CausalExecutor({ clock }),
      [ok.tool, bad],
      [
        [
          { id: 'b', name: 'bad' },
          { id: 'o', name: 'ok' },
        ],
        [],
      ],
    );
    expect(result.status).toBe('ok');
    expect(ok.starts.length).toBe(1);
    expect(context.find((c) => c.role === 'tool' && c.call === 'b')).toMatchObject({
      ok: false,
      synthetic: true,
      error: expect.stringContaining('args lack a key'),
    });
    expect(analyzeEvents(events).anomalies).toEqual([]);
  });

  it('commits snapshots: mutating the result or noting a write after return changes nothing', async () => {
    const clock = new VirtualClock();
    const mutator: Tool = {
      name: 'm',
      async run(_a, ctx) {
        const value = { status: 'fresh', items: [1] };
        ctx.noteWrite({ key: 'k', version: 1 });
        void clock.sleep(1).then(() => {
          value.status = 'rewritten';
          value.items.push(2);
          ctx.noteWrite({ key: 'k', version: 99 });
        });
        return value;
      },
    };
    const { events, context } = await runVirtual(
      clock,
      new CausalExecutor({ clock }),
      [mutator],
      [[{ id: 'm', name: 'm' }], []],
    );
    const end = events.find((e) => e.type === 'tool.end');
    expect(end).toMatchObject({
      result: { status: 'fresh', items: [1] },
      writes: [{ key: 'k', version: 1 }],
    });
    expect(context.find((c) => c.role === 'tool')).toMatchObject({ result: { status: 'fresh', items: [1] } });
  });
});
