import { analyzeRuns, anomalyKey } from '@causelane/analysis';
import { seededRandom, type TraceEvent, validateEvent } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { ImportError } from './import-error.ts';
import { allDigits, importOtlpJson, otlpGenAiSpans } from './otlp-json.ts';
import { type AgentScript, impatientAgentScript, recordAgentOtlp } from './testing/record-genai-agent.ts';

// Turn 1 asks for two parallel calls; `search` ends after turn 2's chat span has started, so the
// naive agent asked the model without it, and its result lands only in turn 3's context.
const impatient = impatientAgentScript('conv-impatient');

const keys = (runs: Map<string, TraceEvent[]>) => analyzeRuns(runs).anomalies.map(anomalyKey).sort();

function shape(events: TraceEvent[]) {
  return events.map((e) => `${e.type}${'turn' in e ? ` ${e.turn}` : ''}${'call' in e ? ` ${e.call}` : ''}`);
}

describe('importOtlpJson on spans from the real OpenTelemetry SDK', () => {
  it('maps chat and execute_tool spans to a valid, seq-ordered v1 run', () => {
    const runs = importOtlpJson(recordAgentOtlp(impatient));
    expect([...runs.keys()]).toEqual(['conv-impatient']);
    const events = runs.get('conv-impatient')!;
    for (const e of events) expect(validateEvent(e)).toMatchObject({ ok: true });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(shape(events)).toEqual([
      'run.start',
      'llm.request 1',
      'llm.response 1',
      'tool.start 1 call_search',
      'tool.start 1 call_calc',
      'tool.end 1 call_calc',
      'tool.commit 1 call_calc',
      'llm.request 2',
      'llm.response 2',
      'tool.end 1 call_search',
      'tool.commit 1 call_search',
      'llm.request 3',
      'llm.response 3',
    ]);
    const response = events.find((e) => e.type === 'llm.response' && e.turn === 1);
    expect(response).toMatchObject({
      calls: [{ id: 'call_search', name: 'search', args: { q: 'call_search' } }, { id: 'call_calc' }],
    });
    expect(events[0]).toMatchObject({ type: 'run.start', agent: 'trip-agent', mode: 'unknown' });
  });

  it('finds the premature model call and the late commit', () => {
    expect(keys(importOtlpJson(recordAgentOtlp(impatient)))).toEqual([
      'conv-impatient|late-commit|error|1|call_search',
      'conv-impatient|premature-llm-call|error|2|call_search',
    ]);
  });

  it('gives the same events whatever order the spans arrive in', () => {
    const otlp = recordAgentOtlp(impatient) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
    const straight = importOtlpJson(otlp);
    const spans = otlp.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans.reverse();
    // Split across two resourceSpans as a batching exporter would.
    const half = spans.splice(0, 3);
    otlp.resourceSpans.push({
      ...otlp.resourceSpans[0]!,
      scopeSpans: [{ ...otlp.resourceSpans[0]!.scopeSpans[0]!, spans: half }],
    });
    expect(importOtlpJson(otlp)).toEqual(straight);
  });

  it('does not depend on request order when one conversation spans several traces', () => {
    const a = recordAgentOtlp(impatient) as { resourceSpans: unknown[] };
    const b = recordAgentOtlp(impatient) as { resourceSpans: unknown[] };
    const ab = importOtlpJson({ resourceSpans: [...a.resourceSpans, ...b.resourceSpans] });
    const ba = importOtlpJson({ resourceSpans: [...b.resourceSpans, ...a.resourceSpans] });
    expect(
      (ab.get('conv-impatient')![0] as unknown as { meta: { traceIds: string[] } }).meta.traceIds,
    ).toHaveLength(2);
    expect(ba).toEqual(ab);
  });

  it('infers commits from timing when the opt-in message attributes are absent', () => {
    const runs = importOtlpJson(recordAgentOtlp({ ...impatient, withoutInput: true, withoutOutput: true }));
    expect(keys(runs)).toEqual([
      'conv-impatient|late-commit|error|1|call_search',
      'conv-impatient|premature-llm-call|error|2|call_search',
    ]);
    // Without output messages the calls come from the execute_tool spans, in start order.
    const response = runs.get('conv-impatient')!.find((e) => e.type === 'llm.response' && e.turn === 1);
    expect(response).toMatchObject({
      calls: [
        { id: 'call_search', name: 'search' },
        { id: 'call_calc', name: 'calculator' },
      ],
    });
  });

  it('reports a clean causal run as clean, and results fed back out of call order as commit-order', () => {
    const causal: AgentScript = {
      turns: [
        {
          start: 0,
          end: 10,
          calls: [
            { id: 'a', name: 'search', start: 11, end: 30 },
            { id: 'b', name: 'calculator', start: 11, end: 14, error: 'division by zero' },
          ],
        },
        { start: 31, end: 40, calls: [], results: ['a', 'b'] },
      ],
    };
    const clean = importOtlpJson(recordAgentOtlp(causal));
    // No conversation id: the run is the trace id.
    expect([...clean.keys()][0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys(clean)).toEqual([]);
    const failed = [...clean.values()][0]!.find((e) => e.type === 'tool.end' && e.call === 'b');
    expect(failed).toMatchObject({ ok: false, error: 'division by zero' });

    const swapped = importOtlpJson(
      recordAgentOtlp({ ...causal, turns: [causal.turns[0]!, { ...causal.turns[1]!, results: ['b', 'a'] }] }),
    );
    expect(keys(swapped).map((k) => k.split('|').slice(1).join('|'))).toEqual(['commit-order|warning|1|']);
  });

  it('reads each (traceId, spanId) once, so a repeated batch of a clean run stays clean', () => {
    const clean: AgentScript = {
      conversationId: 'conv-twice',
      turns: [
        {
          start: 0,
          end: 10,
          calls: [
            { id: 'a', name: 'search', start: 11, end: 30 },
            { id: 'b', name: 'calculator', start: 12, end: 15 },
          ],
        },
        { start: 31, end: 40, calls: [], results: ['a', 'b'] },
      ],
    };
    const once = recordAgentOtlp(clean) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
    const single = importOtlpJson(once);
    expect(keys(single)).toEqual([]);
    const spans = once.resourceSpans[0]!.scopeSpans[0]!.spans;
    // An exporter retry merged into the next request: every span twice in one request.
    const retried = {
      resourceSpans: [{ ...once.resourceSpans[0]!, scopeSpans: [{ spans: [...spans, ...spans] }] }],
    };
    // A file exporter that wrote the same batch on two lines.
    for (const twice of [importOtlpJson(retried), importOtlpJson([once, once])]) {
      expect(keys(twice)).toEqual([]);
      expect(twice).toEqual(single);
    }
    expect(otlpGenAiSpans([once, once])).toEqual(otlpGenAiSpans([once]));

    // The first copy wins: a later one with the same ids, shifted by 1 ms, is dropped.
    const shifted = structuredClone(spans) as { startTimeUnixNano: string; endTimeUnixNano: string }[];
    for (const s of shifted) {
      s.startTimeUnixNano = String(BigInt(s.startTimeUnixNano) + 1_000_000n);
      s.endTimeUnixNano = String(BigInt(s.endTimeUnixNano) + 1_000_000n);
    }
    const both = {
      resourceSpans: [{ ...once.resourceSpans[0]!, scopeSpans: [{ spans: [...spans, ...shifted] }] }],
    };
    expect(otlpGenAiSpans([both])).toEqual(otlpGenAiSpans([once]));

    // The same span id in another trace is another span.
    const elsewhere = structuredClone(spans) as { traceId: string }[];
    for (const s of elsewhere) s.traceId = s.traceId.replace(/^./, (c) => (c === 'f' ? 'e' : 'f'));
    const two = {
      resourceSpans: [{ ...once.resourceSpans[0]!, scopeSpans: [{ spans: [...spans, ...elsewhere] }] }],
    };
    expect(otlpGenAiSpans([two])).toHaveLength(2 * otlpGenAiSpans([once]).length);
  });

  it('reads a timestamp string as nanoseconds exactly when /^\\d+$/ matches it', () => {
    const rand = seededRandom(3);
    const chars = ['0', '1', '9', '5', 'a', ' ', '\n', '-', '+', '.', '\u0660', '/', ':'];
    for (let trial = 0; trial < 2000; trial++) {
      let v = '';
      const n = Math.floor(rand() * 6);
      for (let i = 0; i < n; i++) v += chars[Math.floor(rand() * (rand() < 0.7 ? 4 : chars.length))];
      expect(allDigits(v)).toBe(/^\d+$/.test(v));
    }
  });

  it('names the JSON path of invalid input', () => {
    const otlp = recordAgentOtlp(impatient) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    otlp.resourceSpans[0]!.scopeSpans[0]!.spans[2]!.startTimeUnixNano = 'yesterday';
    expect(() => importOtlpJson(otlp)).toThrow(ImportError);
    expect(() => importOtlpJson(otlp)).toThrow(
      '$.resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: expected nanoseconds',
    );
    expect(() => importOtlpJson({ resourceSpans: [] })).toThrow('no GenAI spans found');
    expect(() => importOtlpJson({ resourceSpans: 3 })).toThrow('$.resourceSpans: expected an array');
  });

  it('refuses a span whose conversation id or trace id is too long to be a run id, alone', () => {
    const otlp = recordAgentOtlp(impatient) as {
      resourceSpans: {
        scopeSpans: {
          spans: { name: string; traceId: string; attributes: { key: string; value: unknown }[] }[];
        }[];
      }[];
    };
    const other = recordAgentOtlp(impatientAgentScript('conv-other')) as typeof otlp;
    const spans = otlp.resourceSpans[0]!.scopeSpans[0]!.spans;
    const before = otlpGenAiSpans([{ resourceSpans: [...otlp.resourceSpans, ...other.resourceSpans] }]);
    const k = spans.findIndex((s) => s.name.startsWith('chat'));
    const conv = spans[k]!.attributes.find((a) => a.key === 'gen_ai.conversation.id')!;
    conv.value = { stringValue: 'x'.repeat(201) };
    const t = spans.findIndex((s) => s.name.startsWith('execute_tool'));
    spans[t]!.traceId = 'f'.repeat(201);
    const both = { resourceSpans: [...otlp.resourceSpans, ...other.resourceSpans] };
    expect(() => importOtlpJson(both)).toThrow(
      `$.resourceSpans[0].scopeSpans[0].spans[${k}].attributes[gen_ai.conversation.id]: is 201 characters; the conversation id names the run, and a run id is at most 200`,
    );
    const errors: string[] = [];
    const kept = otlpGenAiSpans([both], { onSpanError: (err) => errors.push(err.message) });
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(`^\\$\\.resourceSpans\\[0\\]\\.scopeSpans\\[0\\]\\.spans\\[${k}\\]\\.attributes`),
      ),
      `$.resourceSpans[0].scopeSpans[0].spans[${t}].traceId: is 201 characters; a trace id names a run, and a run id is at most 200`,
    ]);
    expect(kept).toHaveLength(before.length - 2);
    expect(new Set(kept.map((s) => s.conversationId))).toEqual(new Set(['conv-impatient', 'conv-other']));
    // A conversation id of exactly 200 characters is a valid run.
    conv.value = { stringValue: 'y'.repeat(200) };
    spans[t]!.traceId = spans[k]!.traceId;
    expect([...importOtlpJson(otlp).keys()]).toEqual(['y'.repeat(200), 'conv-impatient']);
  });

  it('reports a message attribute that is not JSON', () => {
    const otlp = recordAgentOtlp(impatient) as {
      resourceSpans: {
        scopeSpans: { spans: { name: string; attributes: { key: string; value: unknown }[] }[] }[];
      }[];
    };
    const spans = otlp.resourceSpans[0]!.scopeSpans[0]!.spans;
    const k = spans.findIndex((s) => s.name.startsWith('chat'));
    const attr = spans[k]!.attributes.find((a) => a.key === 'gen_ai.output.messages')!;
    attr.value = { stringValue: '[{"role":' };
    expect(() => importOtlpJson(otlp)).toThrow(
      `spans[${k}].attributes[gen_ai.output.messages]: not valid JSON`,
    );
  });
});
