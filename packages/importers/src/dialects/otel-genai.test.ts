// The GenAI dialect's resumed input scans: a history that starts with the messages of one scanned
// before goes on from that scan; randomized, it must equal a scan of every message from scratch.
import { seededRandom } from '@causelane/trace-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetMessageHistories } from './message-history-json.ts';
import { forgetInputScans, otelGenAi } from './otel-genai.ts';
import type { RawSpan } from './span-facts.ts';

afterEach(() => {
  forgetMessageHistories();
  forgetInputScans();
});

const span = (input: string): RawSpan => ({
  traceId: 't',
  spanId: 's',
  name: 'chat',
  startMs: 0,
  endMs: 1,
  attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': input },
  events: [],
  error: false,
  where: '$',
});

/** A random message: text, calls (with or without ids), results (with or without ids), oddities. */
function message(rand: () => number, n: number): unknown {
  const pick = Math.floor(rand() * 8);
  const id = rand() < 0.8 ? `c${n}` : undefined;
  if (pick === 0) return { role: 'user', parts: [{ type: 'text', content: `ask ${n}` }] };
  if (pick <= 2)
    return {
      role: 'assistant',
      parts: Array.from({ length: Math.floor(rand() * 3) }, (_, k) => ({
        type: 'tool_call',
        ...(id ? { id: `${id}_${k}` } : {}),
        name: 'f',
      })),
    };
  if (pick <= 5)
    return {
      role: 'tool',
      parts: [{ type: 'tool_call_response', ...(id ? { id } : {}), response: rand() < 0.8 ? `r${n}` : 7 }],
    };
  if (pick === 6) return { role: 'assistant', parts: [{ type: 'text', content: 'thinking' }, null, 3] };
  return rand() < 0.5 ? null : { role: 'system' };
}

describe('otelGenAi.modelCall on growing histories', () => {
  it('resumed scans equal scans from scratch (random interleaved conversations, with and without prints)', () => {
    const rand = seededRandom(15);
    for (let trial = 0; trial < 40; trial++) {
      const conversations: unknown[][] = [[], [], []];
      const steps: { text: string; print: boolean }[] = [];
      for (let step = 0; step < 40; step++) {
        const c = conversations[Math.floor(rand() * conversations.length)]!;
        // Mostly growth (the shape chat spans repeat), sometimes a history cut short.
        if (rand() < 0.1 && c.length > 2) c.splice(Math.floor(rand() * c.length));
        for (let k = Math.floor(rand() * 4); k >= 0; k--) c.push(message(rand, step * 10 + k));
        steps.push({ text: JSON.stringify(c), print: rand() < 0.5 });
      }
      // In sequence, as one import reads them (parses and scans resume), then each from scratch.
      const fast = steps.map((s) => otelGenAi.modelCall(span(s.text), s.print));
      const reference = steps.map((s) => {
        forgetMessageHistories();
        forgetInputScans();
        return otelGenAi.modelCall(span(s.text), s.print);
      });
      expect(fast).toEqual(reference);
      forgetMessageHistories();
      forgetInputScans();
    }
  });
});
