// POST /v1/traces against a real collector and SQLite file, fed OTLP JSON made by the real
// OpenTelemetry JS SDK: batches in shuffled order, the real OTLP/HTTP exporter with a
// BatchSpanProcessor, a restart between batches, live watchers, malformed bodies and the token.
import { analyzeRuns, anomalyKey } from '@causelane/analysis';
import { importOtlpJson } from '@causelane/importers';
import {
  type AgentScript,
  impatientAgentScript,
  playAgentScript,
  recordAgentOtlp,
} from '@causelane/importers/testing';
import { type RunListItem, readTraceText, type TraceEvent, toJsonl } from '@causelane/trace-schema';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector } from './collector.ts';
import { sampleRun, startTestCollector, type TestCollector } from './test-collector.ts';

// Turn 1 asks for two parallel calls; `search` ends after turn 2's chat span started, so turn 2
// was sent without its result (premature-llm-call) and the result lands in turn 3 (late-commit).
const impatient = impatientAgentScript('conv-impatient');
type Report = ReturnType<typeof analyzeRuns>;
const EXPECTED_ANOMALIES = [
  'conv-impatient|late-commit|error|1|call_search',
  'conv-impatient|premature-llm-call|error|2|call_search',
];

interface OtlpRequest {
  resourceSpans: {
    resource?: unknown;
    scopeSpans: { scope?: unknown; spans: Record<string, unknown>[] }[];
  }[];
}

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

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/traces`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function storedEvents(url: string, run: string, token?: string): Promise<TraceEvent[] | null> {
  const res = await fetch(`${url}/api/runs/${encodeURIComponent(run)}/events`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.status === 401) throw new Error('unauthorized');
  if (res.status === 404) return null;
  const read = readTraceText(await res.text());
  expect(read.errors).toEqual([]);
  return read.runs.get(run) ?? [];
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

  it('rejects a malformed span alone with partialSuccess and stores the rest', async () => {
    c = await startTestCollector();
    const full = recordAgentOtlp(impatient) as OtlpRequest;
    const spans = full.resourceSpans[0]!.scopeSpans[0]!.spans;
    const k = spans.findIndex((s) => String(s.name).startsWith('execute_tool search'));
    spans[k]!.startTimeUnixNano = 'yesterday';
    const res = await post(c.url, full);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('1');
    expect(body.partialSuccess.errorMessage).toContain(
      `$.resourceSpans[0].scopeSpans[0].spans[${k}].startTimeUnixNano: expected nanoseconds`,
    );
    const stored = (await storedEvents(c.url, 'conv-impatient'))!;
    expect(stored.some((e) => e.type === 'tool.start' && e.call === 'call_calc')).toBe(true);
    expect(stored.some((e) => e.type === 'tool.start' && e.call === 'call_search')).toBe(false);
  });

  it('answers 400 to malformed bodies, 415 to protobuf, and stores nothing', async () => {
    c = await startTestCollector();
    const cases: [string, string, RegExp][] = [
      ['{"resourceSpans": [', 'application/json', /^body is not valid JSON/],
      ['[]', 'application/json', /not an OTLP ExportTraceServiceRequest/],
      ['{"spans": []}', 'application/json', /not an OTLP ExportTraceServiceRequest/],
      ['{"resourceSpans": 3}', 'application/json', /not an OTLP ExportTraceServiceRequest/],
      [
        '{"resourceSpans": [{"scopeSpans": "x"}]}',
        'application/json',
        /\$\.resourceSpans\[0\]\.scopeSpans: expected an array/,
      ],
      ['', 'application/json', /^body is not valid JSON/],
    ];
    for (const [body, type, message] of cases) {
      const res = await post(c.url, body, { 'content-type': type });
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    const proto = await post(c.url, 'x', { 'content-type': 'application/x-protobuf' });
    expect(proto.status).toBe(415);
    expect(((await proto.json()) as { error: string }).error).toMatch(
      /protobuf is not supported.*http\/json/,
    );
    expect((await post(c.url, '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    expect(((await (await fetch(`${c.url}/api/runs`)).json()) as { runs: RunListItem[] }).runs).toEqual([]);
  });

  it('refuses spans for a run that came from another source, storing nothing', async () => {
    c = await startTestCollector();
    const start = { v: 1, run: 'conv-impatient', seq: 0, t: 1, type: 'run.start', mode: 'causal' };
    const upload = await fetch(`${c.url}/api/runs`, { method: 'POST', body: `${JSON.stringify(start)}\n` });
    expect(upload.status).toBe(201);
    const res = await post(c.url, recordAgentOtlp(impatient));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /did not come from OTLP.*nothing was stored/,
    );
    expect(await storedEvents(c.url, 'conv-impatient')).toHaveLength(1);
  });

  it('refuses events from another source for a run made from OTLP, so a re-derive never drops acknowledged events', async () => {
    c = await startTestCollector();
    const two: AgentScript = {
      conversationId: 'conv-x',
      turns: [
        { start: 0, end: 5, calls: [] },
        { start: 10, end: 15, calls: [] },
      ],
    };
    const full = recordAgentOtlp(two) as OtlpRequest;
    const rs = full.resourceSpans[0]!;
    const chats = rs.scopeSpans[0]!.spans.filter((s) => String(s.name).startsWith('chat'));
    const asRequest = (list: Record<string, unknown>[]): OtlpRequest => ({
      resourceSpans: [{ ...rs, scopeSpans: [{ ...rs.scopeSpans[0]!, spans: list }] }],
    });
    expect((await post(c.url, asRequest([chats[0]!]))).status).toBe(200);
    expect(await storedEvents(c.url, 'conv-x')).toHaveLength(3);

    const extra = { v: 1, run: 'conv-x', seq: 50, t: 1, type: 'llm.request', turn: 9 } as const;
    const upload = await fetch(`${c.url}/api/runs`, { method: 'POST', body: `${JSON.stringify(extra)}\n` });
    expect(upload.status).toBe(409);
    expect(((await upload.json()) as { error: string }).error).toMatch(
      /^run "conv-x" was made from OTLP spans .*nothing was stored$/,
    );
    // Over the socket: an error ack naming the run, and nothing of the batch is kept.
    const agent = await c.ingestClient();
    const ack = await agent
      .timeout(5000)
      .emitWithAck('events', { batch: 7, events: [...sampleRun('plain-run'), extra] });
    expect(ack).toMatchObject({
      ok: false,
      batch: 7,
      error: expect.stringMatching(/^run "conv-x" was made from OTLP/),
    });
    expect(await storedEvents(c.url, 'plain-run')).toBeNull();
    expect(await storedEvents(c.url, 'conv-x')).toHaveLength(3);

    expect((await post(c.url, asRequest([chats[1]!]))).status).toBe(200);
    expect(await storedEvents(c.url, 'conv-x')).toEqual(importOtlpJson(full).get('conv-x'));
    // Other runs still take uploads.
    const plain = await fetch(`${c.url}/api/runs`, { method: 'POST', body: toJsonl(sampleRun('plain-run')) });
    expect(plain.status).toBe(201);
  });

  it('rejects a span whose conversation id is too long for a run id alone, storing the other runs', async () => {
    c = await startTestCollector();
    const good = recordAgentOtlp({
      conversationId: 'conv-ok',
      turns: [{ start: 0, end: 5, calls: [] }],
    }) as OtlpRequest;
    const bad = recordAgentOtlp(impatient) as OtlpRequest;
    const spans = bad.resourceSpans[0]!.scopeSpans[0]!.spans;
    const k = spans.findIndex((s) => String(s.name).startsWith('chat'));
    const attrs = spans[k]!.attributes as { key: string; value: unknown }[];
    attrs.find((a) => a.key === 'gen_ai.conversation.id')!.value = { stringValue: 'x'.repeat(201) };
    const res = await post(c.url, { resourceSpans: [...good.resourceSpans, ...bad.resourceSpans] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('1');
    expect(body.partialSuccess.errorMessage).toBe(
      `1 span rejected: $.resourceSpans[1].scopeSpans[0].spans[${k}].attributes[gen_ai.conversation.id]: is 201 characters; the conversation id names the run, and a run id is at most 200`,
    );
    expect(await storedEvents(c.url, 'conv-ok')).toEqual(importOtlpJson(good).get('conv-ok'));
    expect(await storedEvents(c.url, 'conv-impatient')).not.toBeNull();
  });

  it('answers 401 without the token when one is configured', async () => {
    c = await startTestCollector({ token: 'tok-otlp' });
    const otlp = recordAgentOtlp(impatient);
    expect((await post(c.url, otlp)).status).toBe(401);
    expect((await post(c.url, otlp, { authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await post(c.url, otlp, { authorization: 'Bearer tok-otlp' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
  });
});
