// Runs without a root span: model calls chained by their messages within one process, and the
// warning when a file still falls apart into one-call runs.
import { analyzeRuns } from '@causelane/analysis';
import { seededRandom } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import type { ChatSpan, GenAiSpan } from './genai-span.ts';
import { IncrementalSpanImporter } from './incremental-span-importer.ts';
import { importOtlpJsonDetailed, otlpGenAiSpans } from './otlp-json.ts';
import { heldRunJoinedBy, runOfSpans } from './run-placement.ts';
import {
  answeredMessage,
  askedMessage,
  rootlessChatSpan,
  rootlessRequest,
  userMessage,
} from './testing/rootless-chat-spans.ts';

let n = 0;
const user = userMessage('weather?');
const asked = askedMessage;
const answered = (id: string) => answeredMessage(id, 'sunny');
/** One chat span in a trace of its own. */
const chat = (start: number, input: unknown[] | undefined, output: unknown[]) =>
  rootlessChatSpan(++n, start, input, output);
const request = (pid: string, spans: unknown[]) => rootlessRequest(spans, pid);

describe('chaining model calls into runs', () => {
  it('joins a call whose input continues an earlier call of the same process', () => {
    const res = importOtlpJsonDetailed(
      request('1', [chat(0, [user], [asked('c1')]), chat(20, [user, asked('c1'), answered('c1')], [])]),
    );
    expect([...res.runs.values()].map((e) => e.filter((x) => x.type === 'llm.request').length)).toEqual([2]);
    expect(res.warnings).toEqual([]);
  });

  it('keeps two processes apart, even with the same conversation text', () => {
    const a = request('1', [chat(0, [user], [asked('c1')])]);
    const b = request('2', [chat(20, [user, asked('c1'), answered('c1')], [])]);
    const res = importOtlpJsonDetailed([a, b]);
    expect(res.runs.size).toBe(2);
  });

  it('does not join a call whose new messages name none of the earlier call ids', () => {
    const res = importOtlpJsonDetailed(
      request('1', [chat(0, [user], [asked('c1')]), chat(20, [user, asked('other'), answered('other')], [])]),
    );
    expect(res.runs.size).toBe(2);
  });

  it('warns when most runs hold a single model call', () => {
    const spans = [0, 100, 200, 300].map((t) => chat(t, undefined, [asked(`c${t}`)]));
    const res = importOtlpJsonDetailed(request('1', spans));
    expect(res.runs.size).toBe(4);
    expect(res.warnings).toEqual([
      '4 of 4 runs hold a single model call: the spans share no root span and their messages do not chain into conversations; wrap each agent run in one span, or record input messages (see docs/importers.md)',
    ]);
  });

  it('a first captured call whose input holds older tool results accuses nothing, and says so', () => {
    const res = importOtlpJsonDetailed(
      request('1', [
        chat(0, [user, asked('old'), answered('old')], [asked('c1')]),
        chat(20, [user, asked('old'), answered('old'), asked('c1'), answered('c1')], []),
      ]),
    );
    expect(analyzeRuns(res.runs).anomalies).toEqual([]);
    expect([...res.evidence.values()].flat()).toContain(
      '1 tool result(s) in the inputs answer calls no recorded model call asked for (earlier history, or a missing span): ignored',
    );
  });
});

/** Rootless model calls, each its own trace, whose inputs are random prefixes of a few conversations. */
function rootlessChats(rand: () => number): GenAiSpan[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const conversations = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, c) =>
    Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, m) =>
      pick([`user||1:${c}`, `assistant|c${c}_${m}|0:`, `tool|c${c}_${m - 1}|5:sunny`, `user||3:a\u0001b`]),
    ),
  );
  return Array.from({ length: 2 + Math.floor(rand() * 10) }, (_, i): ChatSpan => {
    const conv = Math.floor(rand() * conversations.length);
    const prints = conversations[conv]!.slice(0, 1 + Math.floor(rand() * conversations[conv]!.length));
    const startMs = Math.floor(rand() * 100);
    const m = prints.length;
    return {
      kind: 'chat',
      traceId: `t${i}`,
      spanId: `s${i}`,
      startMs,
      endMs: startMs + 5,
      process: pick(['1', '1', '2']),
      calls: rand() < 0.8 ? [{ id: `c${conv}_${m}`, name: 'weather' }] : [],
      results: [],
      inputPrint: rand() < 0.05 ? [] : prints,
    };
  });
}

describe('chaining model calls into runs', () => {
  it('indexes only the calls a later call can continue: the same runs as indexing every call', () => {
    const rand = seededRandom(5);
    const runsOf = (spans: GenAiSpan[], indexEveryChat: boolean) =>
      [...runOfSpans(spans, { indexEveryChat })].map(([run, list]) => [run, list.map((x) => x.spanId)]);
    let joined = 0;
    for (let trial = 0; trial < 400; trial++) {
      const spans = rootlessChats(rand);
      const plain = runsOf(spans, true);
      expect(runsOf(spans, false)).toEqual(plain);
      if (plain.length < spans.length) joined++;
    }
    // The cases do chain calls, so the bound is exercised.
    expect(joined).toBeGreaterThan(100);
  });
});

describe('a live consumer placing rootless traces as they come', () => {
  const turns = () => {
    const a = chat(0, [user], [asked('c1')]);
    const b = chat(20, [user, asked('c1'), answered('c1')], []);
    return { a, b };
  };

  it('heldRunJoinedBy: a call that continues a held run joins it; one of another process does not', () => {
    const { a, b } = turns();
    const [first] = otlpGenAiSpans([request('1', [a])]);
    const [same] = otlpGenAiSpans([request('1', [b])]);
    const [other] = otlpGenAiSpans([request('2', [b])]);
    const held = new Map([[first!.traceId, [first!]]]);
    expect(heldRunJoinedBy(same!, held)).toBe(first!.traceId);
    expect(heldRunJoinedBy(other!, held)).toBeUndefined();
    expect(heldRunJoinedBy(same!, new Map())).toBeUndefined();
  });

  it('IncrementalSpanImporter: model calls in traces of their own become one run, as the file import', () => {
    const { a, b } = turns();
    const req = request('1', [a, b]);
    const importer = new IncrementalSpanImporter('otlp');
    for (const span of otlpGenAiSpans([req])) importer.add(span);
    const events = importer.drain();
    const file = importOtlpJsonDetailed(req);
    expect(new Set(events.map((e) => e.run))).toEqual(new Set(file.runs.keys()));
    expect(events).toEqual([...file.runs.values()][0]);
  });
});
