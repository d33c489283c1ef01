// The assembler's commit pass on results lists that repeat the one before (a conversation's input
// history): reading only the new ids and the ones that were too early must place every commit as
// reading each list in full does. Randomized against lists that share no start with the last one.
import { seededRandom, type TraceEvent } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import type { ChatSpan, GenAiSpan, ToolSpan } from './genai-span.ts';
import { assembleRun } from './spans-to-events.ts';

const base = { traceId: 't', conversationId: 'conv' };

/** A run whose inputs mostly grow by a few ids: asked before, asked by this or a later turn, unknown, repeated. */
function randomRun(rand: () => number): GenAiSpan[] {
  const turns = 2 + Math.floor(rand() * 24);
  const callIds = Array.from({ length: turns }, (_, i) =>
    Array.from({ length: Math.floor(rand() * 4) }, (_, j) => `c${i}_${j}`),
  );
  const all = callIds.flat();
  const spans: GenAiSpan[] = [];
  let results: string[] = [];
  for (let i = 0; i < turns; i++) {
    if (rand() < 0.15) results = [];
    else results = [...results];
    for (let k = Math.floor(rand() * 5); k > 0; k--) {
      const r = rand();
      if (r < 0.1) results.push(`u${Math.floor(rand() * 5)}`);
      else if (r < 0.2 && results.length > 0) results.push(results[Math.floor(rand() * results.length)]!);
      else if (all.length > 0) results.push(all[Math.floor(rand() * all.length)]!);
    }
    const chat: ChatSpan = {
      ...base,
      kind: 'chat',
      spanId: `chat${i}`,
      startMs: i * 100,
      endMs: i * 100 + 10,
      calls: callIds[i]!.map((id) => ({ id, name: 'f' })),
      results: i === 0 && rand() < 0.5 ? undefined : results,
    };
    spans.push(chat);
    for (const id of callIds[i]!) {
      if (rand() < 0.3) continue;
      const tool: ToolSpan = {
        ...base,
        kind: 'tool',
        spanId: `tool-${id}`,
        startMs: i * 100 + 11,
        endMs: rand() < 0.9 ? i * 100 + 12 + Math.floor(rand() * 250) : undefined,
        callId: id,
        toolName: 'f',
        ok: true,
      };
      spans.push(tool);
    }
  }
  return spans;
}

const UNKNOWN_NOTE = /tool result\(s\) in the inputs answer calls no recorded model call asked for/;

/** The events and notes without what the extra unknown ids change (the count of unknown results). */
function comparable(run: { events: TraceEvent[]; evidence: string[] }) {
  const events = run.events.map((e) => {
    if (e.type !== 'run.start') return e;
    const { evidence: _evidence, ...meta } = (e.meta ?? {}) as Record<string, unknown>;
    return { ...e, meta };
  });
  return { events, evidence: run.evidence.filter((n) => !UNKNOWN_NOTE.test(n)) };
}

describe('assembleRun: commits from growing inputs', () => {
  it('equals reading every list in full (200 random runs with too-early, repeated and unknown ids)', () => {
    const rand = seededRandom(4);
    let commits = 0;
    for (let trial = 0; trial < 200; trial++) {
      const spans = randomRun(rand);
      const fast = assembleRun('r', spans, { source: 'test' });
      // The same run with each list opened by an id of its own: no list starts with the one before.
      const full = spans.map((s) =>
        s.kind === 'chat' && s.results ? { ...s, results: [`only-${s.spanId}`, ...s.results] } : s,
      );
      const reference = assembleRun('r', full, { source: 'test' });
      expect(comparable(fast)).toEqual(comparable(reference));
      commits += fast.events.filter((e) => e.type === 'tool.commit').length;
    }
    expect(commits).toBeGreaterThan(500);
  });
});
