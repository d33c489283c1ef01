// POST /v1/traces against a real collector and SQLite file, fed OTLP JSON made by the real
// OpenTelemetry JS SDK: batches in shuffled order, the real OTLP/HTTP exporter with a
// BatchSpanProcessor, a restart between batches, live watchers and repeated spans. Refusals are in
// otlp-route-refusals.test.ts.
import { analyzeRuns, anomalyKey } from '@causelane/analysis';
import { importOtlpJson } from '@causelane/importers';
import {
  type AgentScript,
  impatientAgentScript,
  playAgentScript,
  recordAgentOtlp,
} from '@causelane/importers/testing';
import type { RunListItem, TraceEvent } from '@causelane/trace-schema';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpRequest, postOtlp as post, storedEvents } from '../../testing/otlp-requests.ts';
import { startTestCollector, type TestCollector } from '../../testing/test-collector.ts';
import { startCollector } from '../collector.ts';

// Turn 1 asks for two parallel calls; `search` ends after turn 2's chat span started, so turn 2
// was sent without its result (premature-llm-call) and the result lands in turn 3 (late-commit).
const impatient = impatientAgentScript('conv-impatient');
type Report = ReturnType<typeof analyzeRuns>;
const EXPECTED_ANOMALIES = [
  'conv-impatient|late-commit|error|1|call_search',
  'conv-impatient|premature-llm-call|error|2|call_search',
];

/** The request's spans cut into requests of 1 or 2 spans, in a seeded shuffled order. */
function shuffledBatches(request: OtlpRequest, seed: number): OtlpRequest[] {
  const rs = request.resourceSpans[0]!;
  const ss = rs.scopeSpans[0]!;
  const spans = [...ss.spans];
  // mulberry32
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  for (let i = spans.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [spans[i], spans[j]] = [spans[j]!, spans[i]!];
  }
  const out: OtlpRequest[] = [];
  for (let i = 0; i < spans.length; ) {
    const n = 1 + Math.floor(rand() * 2);
    out.push({ resourceSpans: [{ ...rs, scopeSpans: [{ ...ss, spans: spans.slice(i, i + n) }] }] });
    i += n;
  }
  return out;
}

/** Every span of several requests as one request: what a one-shot import of all of them sees. */
function merged(requests: OtlpRequest[]): OtlpRequest {
  return { resourceSpans: requests.flatMap((r) => r.resourceSpans) };
}

let c: TestCollector;
afterEach(async () => {
  await c?.dispose();
});

describe('POST /v1/traces', () => {
  it.each([1, 2, 3])(
    'stores batches posted in shuffled order (seed %i) as a correct v1 run after every batch, and finds the anomalies',
    async (seed) => {
      c = await startTestCollector();
      const full = recordAgentOtlp(impatient) as OtlpRequest;
      const batches = shuffledBatches(full, seed);
      expect(batches.length).toBeGreaterThan(3);
      // A browser watching from the start rebuilds the run from run:events and run:reset alone.
      const ui = await c.uiClient();
      const live: TraceEvent[] = [];
      let resets = 0;
      ui.on('run:events', (m) => live.push(...m.events));
      ui.on('run:reset', (m) => {
        resets++;
        live.splice(0, live.length, ...m.events);
      });
      expect(await ui.emitWithAck('run:watch', { run: 'conv-impatient' })).toMatchObject({ events: [] });

      for (let i = 0; i < batches.length; i++) {
        const res = await post(c.url, batches[i]);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({});
        const sofar = merged(batches.slice(0, i + 1));
        const hasGenAi = sofar.resourceSpans.some((r) =>
          r.scopeSpans.some((s) => s.spans.some((sp) => !String(sp.name).startsWith('invoke_agent'))),
        );
        const expected = hasGenAi ? (importOtlpJson(sofar).get('conv-impatient') ?? null) : null;
        expect(await storedEvents(c.url, 'conv-impatient')).toEqual(expected);
      }

      const oneShot = importOtlpJson(full).get('conv-impatient')!;
      expect(await storedEvents(c.url, 'conv-impatient')).toEqual(oneShot);
      const anomalies = (await (await fetch(`${c.url}/api/runs/conv-impatient/anomalies`)).json()) as Report;
      expect(anomalies).toEqual(analyzeRuns(new Map([['conv-impatient', oneShot]])));
      expect(anomalies.anomalies.map(anomalyKey).sort()).toEqual(EXPECTED_ANOMALIES);
      const listed = ((await (await fetch(`${c.url}/api/runs`)).json()) as { runs: RunListItem[] }).runs[0];
      expect(listed).toMatchObject({ id: 'conv-impatient', events: oneShot.length, anomalies: { error: 2 } });

      // Live: the same events, each seq once, with at least one reset (this order puts later spans first).
      await expect.poll(() => live.length).toBe(oneShot.length);
      expect(live).toEqual(oneShot);
      expect(resets).toBeGreaterThan(0);
      // A resend of a batch (exporter retry) changes nothing.
      expect((await post(c.url, batches[0])).status).toBe(200);
      expect(await storedEvents(c.url, 'conv-impatient')).toEqual(oneShot);
    },
  );

  it('accepts the real OTLP/HTTP exporter behind a BatchSpanProcessor', async () => {
    c = await startTestCollector({ token: 'otlp-tok' });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'trip-agent' }),
      spanProcessors: [
        new BatchSpanProcessor(
          new OTLPTraceExporter({ url: `${c.url}/v1/traces`, headers: { authorization: 'Bearer otlp-tok' } }),
          { maxExportBatchSize: 2, scheduledDelayMillis: 5 },
        ),
      ],
    });
    playAgentScript(provider, impatient);
    await provider.forceFlush();
    await provider.shutdown();
    const oneShot = importOtlpJson(recordAgentOtlp(impatient)).get('conv-impatient')!;
    // Span and trace ids differ between recordings; everything else must match.
    const stored = (await storedEvents(c.url, 'conv-impatient', 'otlp-tok'))!;
    const withoutIds = (events: TraceEvent[]) =>
      events.map((e) => (e.type === 'run.start' ? { ...e, meta: { source: 'otlp' } } : e));
    expect(withoutIds(stored)).toEqual(withoutIds(oneShot));
    const anomalies = (await (
      await fetch(`${c.url}/api/runs/conv-impatient/anomalies`, {
        headers: { authorization: 'Bearer otlp-tok' },
      })
    ).json()) as Report;
    expect(anomalies.anomalies.map(anomalyKey).sort()).toEqual(EXPECTED_ANOMALIES);
  });

  it('keeps the spans across a restart on the same database', async () => {
    c = await startTestCollector();
    const full = recordAgentOtlp(impatient) as OtlpRequest;
    const batches = shuffledBatches(full, 11);
    const half = Math.ceil(batches.length / 2);
    for (const b of batches.slice(0, half)) expect((await post(c.url, b)).status).toBe(200);
    await c.close();
    const again = await startCollector({
      db: c.dbFile,
      port: 0,
      scenarioSdk: null,
      webDist: c.dir,
      log: { info: () => {}, error: () => {} },
    });
    try {
      for (const b of batches.slice(half)) expect((await post(again.url, b)).status).toBe(200);
      expect(await storedEvents(again.url, 'conv-impatient')).toEqual(
        importOtlpJson(full).get('conv-impatient'),
      );
    } finally {
      await again.close();
    }
  });

  it('moves a trace into the conversation a later batch names, leaving no trace-id run behind', async () => {
    c = await startTestCollector();
    const full = recordAgentOtlp(impatient) as OtlpRequest;
    const spans = full.resourceSpans[0]!.scopeSpans[0]!.spans;
    const traceId = String(spans[0]!.traceId);
    // Only the last chat span carries the conversation id, and it arrives last.
    const attrs = (s: Record<string, unknown>) => s.attributes as { key: string }[];
    for (const s of spans) s.attributes = attrs(s).filter((a) => a.key !== 'gen_ai.conversation.id');
    const lastChat = spans.filter((s) => String(s.name).startsWith('chat')).at(-1)!;
    lastChat.attributes = [
      ...attrs(lastChat),
      { key: 'gen_ai.conversation.id', value: { stringValue: 'conv-late' } },
    ];
    const rest = spans.filter((s) => s !== lastChat);
    const rs = full.resourceSpans[0]!;
    const asRequest = (list: Record<string, unknown>[]): OtlpRequest => ({
      resourceSpans: [{ ...rs, scopeSpans: [{ ...rs.scopeSpans[0]!, spans: list }] }],
    });
    expect((await post(c.url, asRequest(rest))).status).toBe(200);
    expect(await storedEvents(c.url, traceId)).toEqual(importOtlpJson(asRequest(rest)).get(traceId));
    const ui = await c.uiClient();
    const changes: unknown[] = [];
    ui.on('runs:changed', (m) => changes.push(m));
    expect((await post(c.url, asRequest([lastChat]))).status).toBe(200);
    expect(await storedEvents(c.url, traceId)).toBeNull();
    expect(await storedEvents(c.url, 'conv-late')).toEqual(importOtlpJson(full).get('conv-late'));
    await expect.poll(() => changes).toContainEqual({ run: traceId, change: 'deleted' });
  });

  it('stores a repeated span once, keeping its first copy, as the one-shot import does', async () => {
    c = await startTestCollector();
    const clean: AgentScript = {
      conversationId: 'conv-twice',
      turns: [
        { start: 0, end: 10, calls: [{ id: 'a', name: 'search', start: 11, end: 30 }] },
        { start: 31, end: 40, calls: [], results: ['a'] },
      ],
    };
    const once = recordAgentOtlp(clean) as OtlpRequest;
    const rs = once.resourceSpans[0]!;
    const spans = rs.scopeSpans[0]!.spans;
    const expected = importOtlpJson(once).get('conv-twice')!;
    // Every span twice in one request, then a retry whose copies moved by 1 ms: both are ignored.
    const twice: OtlpRequest = { resourceSpans: [{ ...rs, scopeSpans: [{ spans: [...spans, ...spans] }] }] };
    const moved = structuredClone(spans).map((s) => ({
      ...s,
      startTimeUnixNano: String(BigInt(s.startTimeUnixNano as string) + 1_000_000n),
      endTimeUnixNano: String(BigInt(s.endTimeUnixNano as string) + 1_000_000n),
    }));
    const retry: OtlpRequest = { resourceSpans: [{ ...rs, scopeSpans: [{ spans: moved }] }] };
    for (const body of [twice, retry]) {
      expect((await post(c.url, body)).status).toBe(200);
      expect(await storedEvents(c.url, 'conv-twice')).toEqual(expected);
    }
    expect(importOtlpJson([twice, retry]).get('conv-twice')).toEqual(expected);
    const report = (await (await fetch(`${c.url}/api/runs/conv-twice/anomalies`)).json()) as Report;
    expect(report.anomalies).toEqual([]);
  });

  it('deletes an OTLP run with its spans, so its id takes an upload afterwards', async () => {
    c = await startTestCollector();
    const full = recordAgentOtlp(impatient) as OtlpRequest;
    expect((await post(c.url, full)).status).toBe(200);
    expect((await fetch(`${c.url}/api/runs/conv-impatient`, { method: 'DELETE' })).status).toBe(204);
    expect(c.store.db.prepare('SELECT count(*) AS n FROM otlp_spans').get()).toEqual({ n: 0 });
    // Left-over spans would mark the id as an OTLP run and refuse this upload with 409.
    const start = { v: 1, run: 'conv-impatient', seq: 0, t: 1, type: 'run.start', mode: 'causal' };
    const upload = await fetch(`${c.url}/api/runs`, { method: 'POST', body: `${JSON.stringify(start)}\n` });
    expect(upload.status).toBe(201);
  });
});
