import { analyzeEvents } from '@causelane/analysis';
import { describe, expect, it } from 'vitest';
import { CausalExecutor } from './causal-executor.ts';
import { VirtualClock } from './clock.ts';
import { MemorySink } from './sinks/memory-sink.ts';
import { runVirtual, seqOf, waitTool } from './testing/run-virtual.ts';
import type { Tool } from './tool.ts';
import { Tracer } from './tracer.ts';
import { VersionedStore } from './world/versioned-store.ts';

const env = (tools: Tool[] = []) => ({
  tools: new Map(tools.map((t) => [t.name, t])),
  tracer: new Tracer({ run: 'unit', sinks: [new MemorySink()] }),
  commit: () => {},
});

describe('CausalExecutor', () => {
  it('refuses a turn that is not the next one, saying so', async () => {
    const ex = new CausalExecutor();
    await expect(ex.runBatch({ turn: 2, calls: [] }, env())).rejects.toThrow(
      'turn 2 cannot start: turn ids go up by one and the last turn was 0',
    );
    await ex.runBatch({ turn: 1, calls: [] }, env());
    await expect(ex.runBatch({ turn: 1, calls: [] }, env())).rejects.toThrow(/last turn was 1/);
  });

  it('refuses a second batch and a model call while a batch is open', async () => {
    const clock = new VirtualClock();
    const ex = new CausalExecutor({ clock });
    const e = env([waitTool(clock, 'slow', 100)]);
    await clock.run(async () => {
      const first = ex.runBatch({ turn: 1, calls: [{ id: 'a', name: 'slow' }] }, e);
      await expect(ex.runBatch({ turn: 2, calls: [] }, e)).rejects.toThrow(
        'turn 2 cannot start: the batch of turn 1 has not closed',
      );
      expect(() => ex.beforeRequest(2)).toThrow(
        'cannot call the model for turn 2: the batch of turn 1 has not closed',
      );
      await first;
      expect(() => ex.beforeRequest(2)).not.toThrow();
    });
  });

  it('dispatches all calls in parallel and commits them in index order after the slowest', async () => {
    const clock = new VirtualClock();
    const tools = [waitTool(clock, 'slow', 300), waitTool(clock, 'fast', 10)];
    const { events, context } = await runVirtual(clock, new CausalExecutor({ clock }), tools, [
      [
        { id: 's', name: 'slow' },
        { id: 'f', name: 'fast' },
      ],
    ]);
    const starts = events.filter((e) => e.type === 'tool.start');
    const ends = events.filter((e) => e.type === 'tool.end');
    expect(starts.every((s) => ends.every((e) => s.seq < e.seq))).toBe(true); // both started before either ended
    const commits = events.filter((e) => e.type === 'tool.commit').map((e) => ('call' in e ? e.call : ''));
    expect(commits).toEqual(['s', 'f']);
    expect(seqOf(events, 'tool.commit', 'f')!).toBeGreaterThan(seqOf(events, 'tool.end', 's')!);
    expect(context.filter((c) => c.role === 'tool').map((c) => (c.role === 'tool' ? c.call : ''))).toEqual([
      's',
      'f',
    ]);
    expect(analyzeEvents(events).anomalies).toEqual([]);
  });

  it('on a timeout commits a synthetic error and keeps the late result out of the context', async () => {
    const clock = new VirtualClock();
    const ex = new CausalExecutor({ clock, callTimeoutMs: 100 });
    const tools = [waitTool(clock, 'hang', 500, 'late data'), waitTool(clock, 'ok', 20)];
    const { events, context } = await runVirtual(
      clock,
      ex,
      tools,
      [
        [
          { id: 'h', name: 'hang' },
          { id: 'o', name: 'ok' },
        ],
        [],
      ],
      { settleMs: 1000 },
    );
    const timeout = seqOf(events, 'tool.timeout', 'h')!;
    const commit = events.find((e) => e.type === 'tool.commit' && e.call === 'h');
    expect(commit).toMatchObject({ synthetic: true });
    expect(commit!.seq).toBeGreaterThan(timeout);
    expect(seqOf(events, 'tool.orphan', 'h')).toBeGreaterThan(seqOf(events, 'tool.end', 'h')!);
    expect(ex.orphans).toEqual([
      { turn: 1, call: 'h', name: 'hang', reason: 'late', ok: true, result: 'late data', writes: [] },
    ]);
    const hEntry = context.find((c) => c.role === 'tool' && c.call === 'h');
    expect(hEntry).toMatchObject({ ok: false, synthetic: true });
    expect(JSON.stringify(context)).not.toContain('late data');
    expect(analyzeEvents(events).anomalies.map((a) => `${a.type}/${a.severity}`)).toEqual([
      'orphaned-result/info',
    ]);
  });

  it('enforces the batch deadline even for calls that never answer', async () => {
    const clock = new VirtualClock();
    const ex = new CausalExecutor({ clock, callTimeoutMs: 10_000, batchTimeoutMs: 200 });
    const { events } = await runVirtual(
      clock,
      ex,
      [waitTool(clock, 'forever', Number.POSITIVE_INFINITY)],
      [[{ id: 'x', name: 'forever' }], []],
    );
    expect(events.find((e) => e.type === 'tool.commit')).toMatchObject({ call: 'x', synthetic: true });
    expect(
      events.find((e) => e.type === 'tool.timeout')!.t - events.find((e) => e.type === 'tool.start')!.t,
    ).toBe(200);
  });

  it('keeps an answer that names an unknown call id out of the context, and traces it as orphaned', async () => {
    const clock = new VirtualClock();
    const ex = new CausalExecutor({ clock });
    const liar: Tool = {
      name: 'liar',
      async run(_a, ctx) {
        ctx.noteRead({ key: 'doc', version: 1 });
        ctx.noteWrite({ key: 'doc', version: 2 });
        ctx.answerAs('someone-else');
        return 'secret';
      },
    };
    const { events, context } = await runVirtual(clock, ex, [liar], [[{ id: 'c', name: 'liar' }], []]);
    expect(events.some((e) => 'call' in e && e.call === 'someone-else')).toBe(false);
    const ofC = events.filter((e) => 'call' in e && e.call === 'c');
    expect(ofC.map((e) => e.type)).toEqual(['tool.start', 'tool.end', 'tool.orphan', 'tool.commit']);
    expect(ofC[1]).toMatchObject({
      ok: false,
      error: expect.stringContaining('answered as call someone-else'),
      reads: [{ key: 'doc', version: 1 }],
      writes: [{ key: 'doc', version: 2 }],
    });
    expect(ofC[1]).not.toHaveProperty('result');
    expect(ofC[2]).toMatchObject({ turn: 1, reason: 'cancelled' });
    expect(ofC[3]).toMatchObject({ synthetic: true });
    expect(JSON.stringify(events)).not.toContain('secret');
    expect(ex.orphans[0]).toMatchObject({
      call: 'c',
      reason: 'unknown-call',
      answeredAs: 'someone-else',
      result: 'secret',
    });
    expect(JSON.stringify(context)).not.toContain('secret');
    expect(analyzeEvents(events).anomalies).toEqual([]);
  });

  it('runs conflicting calls one at a time, writers first, and independent calls in parallel', async () => {
    const clock = new VirtualClock();
    const store = new VersionedStore({ clock });
    const read: Tool = {
      name: 'read',
      access: (a: { key: string }) => ({ reads: [a.key] }),
      async run(a: { key: string }, ctx) {
        await clock.sleep(5);
        return (await store.read(a.key, ctx)).version;
      },
    };
    const write: Tool = {
      name: 'write',
      access: (a: { key: string }) => ({ writes: [a.key] }),
      async run(a: { key: string }, ctx) {
        await clock.sleep(50);
        return store.write(a.key, 'v', ctx);
      },
    };
    const { events, context } = await runVirtual(
      clock,
      new CausalExecutor({ clock }),
      [read, write],
      [
        [
          { id: 'r', name: 'read', args: { key: 'k' } },
          { id: 'w1', name: 'write', args: { key: 'k' } },
          { id: 'w2', name: 'write', args: { key: 'k' } },
          { id: 'other', name: 'write', args: { key: 'j' } },
        ],
        [],
      ],
    );
    const start = (c: string) => seqOf(events, 'tool.start', c)!;
    const end = (c: string) => seqOf(events, 'tool.end', c)!;
    expect(start('w2')).toBeGreaterThan(end('w1'));
    expect(start('r')).toBeGreaterThan(end('w2'));
    expect(start('other')).toBeLessThan(end('w1'));
    expect(context.find((c) => c.role === 'tool' && c.call === 'r')).toMatchObject({ result: 2 });
    expect(analyzeEvents(events).anomalies).toEqual([]);
  });

  it('skips a call whose key has an unconfirmed write from a timed-out call', async () => {
    const clock = new VirtualClock();
    const write: Tool = {
      name: 'write',
      access: { writes: ['k'] },
      async run() {
        await clock.sleep(1000);
        return 'written';
      },
    };
    const read: Tool = { name: 'read', access: { reads: ['k'] }, run: async () => 'old' };
    const ex = new CausalExecutor({ clock, callTimeoutMs: 100 });
    const { context } = await runVirtual(
      clock,
      ex,
      [write, read],
      [[{ id: 'w', name: 'write' }], [{ id: 'r', name: 'read' }], []],
    );
    expect(context.find((c) => c.role === 'tool' && c.call === 'r')).toMatchObject({
      ok: false,
      synthetic: true,
      error: 'not run: k has an unconfirmed write from call w',
    });
  });

  it('hands tools the highest version seen, so a lagging replica is waited out (read-your-writes)', async () => {
    for (const readYourWrites of [true, false]) {
      const clock = new VirtualClock();
      const store = new VersionedStore({ clock, replicaLagMs: 500 });
      store.seed('k', 'old');
      const write: Tool = {
        name: 'write',
        access: { writes: ['k'] },
        run: async (_a, ctx) => store.write('k', 'new', ctx),
      };
      const read: Tool = {
        name: 'read',
        access: { reads: ['k'] },
        run: async (_a, ctx) => (await store.read('k', ctx)).value,
      };
      const ex = new CausalExecutor({ clock, readYourWrites });
      const { events, context } = await runVirtual(
        clock,
        ex,
        [write, read],
        [[{ id: 'w', name: 'write' }], [{ id: 'r', name: 'read' }], []],
      );
      const seen = context.find((c) => c.role === 'tool' && c.call === 'r');
      const stale = analyzeEvents(events).anomalies.filter((a) => a.type === 'stale-read');
      if (readYourWrites) {
        expect(seen).toMatchObject({ result: 'new' });
        expect(stale).toEqual([]);
      } else {
        expect(seen).toMatchObject({ result: 'old' });
        expect(stale).toHaveLength(1);
      }
    }
  });

  it('turns a throwing tool and an unknown tool into error results, still one per call id', async () => {
    const clock = new VirtualClock();
    const boom: Tool = {
      name: 'boom',
      run: async () => {
        throw new Error('quota exceeded');
      },
    };
    const { context, events } = await runVirtual(
      clock,
      new CausalExecutor({ clock }),
      [boom],
      [
        [
          { id: 'b', name: 'boom' },
          { id: 'u', name: 'nope' },
        ],
        [],
      ],
    );
    const results = context.filter((c) => c.role === 'tool');
    expect(results).toMatchObject([
      { call: 'b', ok: false, error: 'quota exceeded' },
      { call: 'u', ok: false, error: 'unknown tool nope' },
    ]);
    expect(analyzeEvents(events).anomalies).toEqual([]);
  });
});
