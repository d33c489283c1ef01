import { seededRandom } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { type Turn, turnBefore, turnOfTool } from './call-binding.ts';
import type { ChatSpan, ToolSpan } from './genai-span.ts';

const chat = (spanId: string, startMs: number, endMs: number | undefined) =>
  ({
    kind: 'chat',
    spanId,
    traceId: 't',
    name: 'chat',
    startMs,
    endMs,
    calls: [],
    results: [],
  }) as unknown as ChatSpan;
const tool = (startMs: number, parentSpanId?: string) =>
  ({
    kind: 'tool',
    spanId: 'x',
    traceId: 't',
    startMs,
    parentSpanId,
    toolName: 'f',
    callId: undefined,
    ok: true,
  }) as unknown as ToolSpan;

/** The definition: the last turn, in turn order, whose chat ended by `ms`. */
function scan(turns: readonly Turn[], ms: number): number {
  let t = -1;
  turns.forEach((x, i) => {
    if (x.chat.endMs !== undefined && x.chat.endMs <= ms) t = i;
  });
  return t;
}

describe('turnBefore', () => {
  it('agrees with a scan of every turn, with chats that end out of order or never', () => {
    const rnd = seededRandom(7);
    for (let trial = 0; trial < 50; trial++) {
      const turns: Turn[] = Array.from({ length: 1 + Math.floor(rnd() * 40) }, (_, i) => {
        const start = i * 10 + Math.floor(rnd() * 5);
        const end = rnd() < 0.1 ? undefined : start + Math.floor(rnd() * 40);
        return { chat: chat(`s${i}`, start, end), calls: [] };
      });
      for (let q = 0; q < 60; q++) {
        const ms = Math.floor(rnd() * 500) - 10;
        expect(turnBefore(turns, ms)).toBe(scan(turns, ms));
      }
    }
  });

  it('sees turns added after an earlier lookup', () => {
    const turns: Turn[] = [{ chat: chat('a', 0, 10), calls: [] }];
    expect(turnBefore(turns, 50)).toBe(0);
    turns.push({ chat: chat('b', 20, 30), calls: [] });
    expect(turnBefore(turns, 50)).toBe(1);
  });
});

describe('turnOfTool', () => {
  it('takes the parent model-call span first (the first turn of that span id), else the last ended', () => {
    const turns: Turn[] = [
      { chat: chat('a', 0, 100), calls: [] },
      { chat: chat('b', 10, 20), calls: [] },
    ];
    expect(turnOfTool(turns, tool(50, 'a'))).toBe(turns[0]);
    expect(turnOfTool(turns, tool(50))).toBe(turns[1]);
    expect(turnOfTool(turns, tool(5))).toBeUndefined();
  });
});
