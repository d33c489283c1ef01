// runAgent: call ids scoped per turn in the trace, results that JSON cannot hold, option checks.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeEvents } from '@causelane/analysis';
import { describe, expect, it } from 'vitest';
import { CausalExecutor } from './causal-executor.ts';
import { VirtualClock } from './clock.ts';
import { toChatMessages } from './models/openai-chat-model.ts';
import { ScriptedModel } from './models/scripted-model.ts';
import { runAgent } from './run-agent.ts';
import { JsonlFileSink } from './sinks/jsonl-file-sink.ts';
import { MemorySink } from './sinks/memory-sink.ts';
import { runVirtual } from './testing/run-virtual.ts';
import type { Tool } from './tool.ts';
import { Tracer } from './tracer.ts';

const echo: Tool = { name: 'echo', run: async (a: { v: string }) => a.v };

describe('runAgent call ids', () => {
  it('scopes ids a provider reuses across turns, keeping the provider’s id for the model', async () => {
    const clock = new VirtualClock();
    const { events, context } = await runVirtual(
      clock,
      new CausalExecutor({ clock }),
      [echo],
      [
        [
          { id: 'call_0', name: 'echo', args: { v: 'one-a' } },
          { id: 'call_1', name: 'echo', args: { v: 'one-b' } },
        ],
        [{ id: 'call_0', name: 'echo', args: { v: 'two-a' } }],
        [],
      ],
    );
    const responses = events.filter((e) => e.type === 'llm.response');
    expect(responses.map((e) => (e.type === 'llm.response' ? e.calls.map((c) => c.id) : []))).toEqual([
      ['call_0', 'call_1'],
      ['t2:call_0'],
      [],
    ]);
    expect(analyzeEvents(events).anomalies).toEqual([]);
    // The context, and so the messages, keep the provider's ids, each answered by its own turn.
    const t2 = context.filter((c) => c.turn === 2);
    expect(t2).toMatchObject([
      { role: 'assistant', calls: [{ id: 'call_0' }] },
      { role: 'tool', call: 'call_0', result: 'two-a' },
    ]);
    const messages = toChatMessages(context, 'go');
    const toolMessages = messages.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(toolMessages).toEqual(['one-a', 'one-b', 'two-a']);
  });
});

describe('runAgent with results JSON cannot hold', () => {
  it('writes every line of the JSONL trace and renders the messages, saying what was lossy', async () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const odd: Tool[] = [
      { name: 'big', run: async () => ({ n: 10n }) },
      { name: 'fn', run: async () => ({ f: () => 1, keep: 1 }) },
      { name: 'sym', run: async () => Symbol('s') },
      { name: 'circ', run: async () => circular },
    ];
    const path = join(mkdtempSync(join(tmpdir(), 'causelane-')), 'run.jsonl');
    const tracer = new Tracer({ run: 'odd', sinks: [new JsonlFileSink(path)] });
    const model = new ScriptedModel([odd.map((t) => ({ id: t.name, name: t.name })), []]);
    const result = await runAgent({ model, tools: odd, executor: new CausalExecutor(), tracer });
    await tracer.close();
    expect(result.status).toBe('ok');
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(tracer.emitted);
    const end = (call: string) => lines.find((e) => e.type === 'tool.end' && e.call === call);
    expect(end('big')).toMatchObject({ result: { n: '10' }, lossy: ['$.n: bigint written as a string'] });
    expect(end('fn')).toMatchObject({ result: { keep: 1 }, lossy: ['$.f: function dropped'] });
    expect(end('sym')).toMatchObject({ result: 'Symbol(s)', lossy: ['$: symbol written as a string'] });
    expect(end('circ')).toMatchObject({
      result: { name: 'loop', self: '[circular $]' },
      lossy: ['$.self: circular reference replaced'],
    });
    expect(() => toChatMessages(result.context, 'go')).not.toThrow();
  });
});

describe('runAgent options', () => {
  it.each([
    ['maxTurns', 0],
    ['maxTurns', Number.NaN],
    ['settleMs', -1],
    ['settleMs', '5'],
  ])('refuses %s = %s with an error naming it', async (name, value) => {
    const tracer = new Tracer({ run: 'opts', sinks: [new MemorySink()] });
    await expect(
      runAgent({
        model: new ScriptedModel([]),
        tools: [],
        executor: new CausalExecutor(),
        tracer,
        [name]: value,
      } as never),
    ).rejects.toThrow(new RegExp(`runAgent option ${name} `));
  });
});
