// CausalSession, the enforcing core of every adapter, driven the way a framework drives it: model
// call, answer, tool invocations (in any order, late, or never), then the next model call.
import type { TraceEvent } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { CausalExecutor } from '../../causal-executor.ts';
import { NaiveExecutor } from '../../naive-executor.ts';
import { MemorySink } from '../../sinks/memory-sink.ts';
import { Tracer } from '../../tracer.ts';
import { CausalSession } from './causal-session.ts';
import { bindToolRun, currentToolCall } from './tool-state.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function session(executor = new CausalExecutor({ callTimeoutMs: 100 })) {
  const sink = new MemorySink();
  const tracer = new Tracer({ sinks: [sink] });
  const s = new CausalSession({ tracer, executor });
  const events = async () => {
    await tracer.close();
    return sink.events as TraceEvent[];
  };
  return { s, events };
}
const run = (fn: () => Promise<unknown>) => bindToolRun(fn, undefined, {}, undefined);

describe('CausalSession', () => {
  it('resolves every invocation only after the whole batch committed, in call order', async () => {
    const { s, events } = session();
    const turn = s.modelCallStarting();
    s.modelAnswered(turn, [
      { id: 'a', name: 'slow' },
      { id: 'b', name: 'fast' },
    ]);
    const resolved: string[] = [];
    const b = s
      .runCall(
        'b',
        run(async () => 'B'),
      )
      .then((o) => resolved.push('b') && o);
    const a = s
      .runCall(
        'a',
        run(() => sleep(30).then(() => 'A')),
      )
      .then((o) => resolved.push('a') && o);
    expect(await Promise.all([a, b])).toEqual([
      { ok: true, value: 'A' },
      { ok: true, value: 'B' },
    ]);
    expect(resolved).toEqual(['a', 'b']);
    await s.end();
    const commits = (await events()).filter((e) => e.type === 'tool.commit').map((e) => e.call);
    expect(commits).toEqual(['a', 'b']);
  });

  it('refuses the next model call while a batch is open (the barrier)', async () => {
    const { s } = session();
    const turn = s.modelCallStarting();
    s.modelAnswered(turn, [{ id: 'a', name: 't' }]);
    expect(() => s.modelCallStarting()).toThrow(/turn 1 has not closed/);
    await s.runCall(
      'a',
      run(async () => 1),
    );
    expect(s.modelCallStarting()).toBe(2);
  });

  it('a model call retried before it answered stays in its turn; a text answer still closes it', async () => {
    const { s, events } = session();
    expect(s.modelCallStarting()).toBe(1);
    expect(s.modelCallStarting()).toBe(1);
    s.modelAnswered(1, []);
    await sleep(0);
    // The next user message in the same session is the next turn, on the executor's clock too.
    expect(s.modelCallStarting()).toBe(2);
    s.modelAnswered(2, [{ id: 'a', name: 't' }]);
    expect(
      await s.runCall(
        'a',
        run(async () => 1),
      ),
    ).toEqual({ ok: true, value: 1 });
    await s.end();
    expect((await events()).filter((e) => e.type === 'llm.request').map((e) => e.turn)).toEqual([1, 2]);
  });

  it('gives up on a call the framework never invokes; a late invocation never runs the tool', async () => {
    const { s, events } = session();
    const turn = s.modelCallStarting();
    s.modelAnswered(turn, [{ id: 'a', name: 't' }]);
    await sleep(160);
    let ran = false;
    const o = await s.runCall(
      'a',
      run(async () => {
        ran = true;
      }),
    );
    expect(o).toMatchObject({ ok: false, synthetic: true, error: expect.stringMatching(/timed out/) });
    expect(ran).toBe(false);
    await s.end();
    expect((await events()).find((e) => e.type === 'tool.commit')).toMatchObject({
      call: 'a',
      synthetic: true,
    });
  });

  it('fails a refused call at dispatch, without waiting for the deadline', async () => {
    const { s } = session(new CausalExecutor({ callTimeoutMs: 10_000 }));
    const turn = s.modelCallStarting();
    const started = performance.now();
    s.modelAnswered(turn, [{ id: 'a', name: 't' }], async () => 'amount: expected a number');
    await s.end();
    // Far below the 10 s call deadline it would otherwise wait for.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('names the problem when a framework invokes a call no model answer listed', async () => {
    const { s } = session();
    await expect(
      s.runCall(
        'zzz',
        run(async () => 1),
      ),
    ).rejects.toThrow(/zzz is not in the last model answer/);
  });

  it('hands the tool its call through currentToolCall(), and the tool’s throw back to the framework', async () => {
    const { s, events } = session();
    const turn = s.modelCallStarting();
    s.modelAnswered(turn, [{ id: 'a', name: 't' }]);
    const boom = new Error('boom');
    const o = await s.runCall(
      'a',
      run(async () => {
        currentToolCall()?.noteWrite({ key: 'k', version: 3 });
        throw boom;
      }),
    );
    expect(o).toEqual({ ok: false, error: 'boom', synthetic: false, thrown: boom });
    await s.end();
    expect((await events()).find((e) => e.type === 'tool.end')).toMatchObject({
      ok: false,
      writes: [{ key: 'k', version: 3 }],
    });
  });

  it('with the naive executor, commits (and results) come as calls arrive', async () => {
    const { s, events } = session(new NaiveExecutor() as unknown as CausalExecutor);
    const turn = s.modelCallStarting();
    s.modelAnswered(turn, [
      { id: 'a', name: 'slow' },
      { id: 'b', name: 'fast' },
    ]);
    const order: string[] = [];
    await Promise.all([
      s
        .runCall(
          'a',
          run(() => sleep(30).then(() => 'A')),
        )
        .then(() => order.push('a')),
      s
        .runCall(
          'b',
          run(async () => 'B'),
        )
        .then(() => order.push('b')),
    ]);
    await s.end();
    expect((await events()).filter((e) => e.type === 'tool.commit').map((e) => e.call)).toEqual(['b', 'a']);
  });
});
