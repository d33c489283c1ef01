// POST /v1/traces refusals against a real collector and SQLite file: a malformed span alone
// (partialSuccess), malformed bodies (400), other content types (415), runs of another source (409) and the
// token (401). Nothing refused is stored.
import { importOtlpJson } from '@causelane/importers';
import { type AgentScript, impatientAgentScript, recordAgentOtlp } from '@causelane/importers/testing';
import { type RunListItem, toJsonl } from '@causelane/trace-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpRequest, postOtlp as post, storedEvents } from '../../testing/otlp-requests.ts';
import { sampleRun, startTestCollector, type TestCollector } from '../../testing/test-collector.ts';

const impatient = impatientAgentScript('conv-impatient');

let c: TestCollector;
afterEach(async () => {
  await c?.dispose();
});

describe('POST /v1/traces', () => {
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

  it('names spans without agent semantics in partialSuccess, storing the agent spans beside them', async () => {
    c = await startTestCollector();
    const full = recordAgentOtlp(impatient) as OtlpRequest;
    const expected = importOtlpJson(full).get('conv-impatient');
    const spans = full.resourceSpans[0]!.scopeSpans[0]!.spans;
    const http = (name: string) => ({
      ...spans[0]!,
      spanId: `${name.length}`.padStart(16, 'f'),
      name,
      attributes: [],
    });
    spans.push(http('GET /health'), http('POST /v1/chat/completions'));
    const res = await post(c.url, full);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '2',
        errorMessage: expect.stringMatching(
          /^2 spans carry no agent semantics and were not stored \("GET \/health"; "POST \/v1\/chat\/completions"\): Causelane reads model-call and tool spans .*docs\/importers\.md/,
        ),
      },
    });
    expect(await storedEvents(c.url, 'conv-impatient')).toEqual(expected);
  });

  it('says why agent spans alone make no run yet, and answers {} once the model calls arrive', async () => {
    c = await startTestCollector();
    const full = recordAgentOtlp(impatient) as OtlpRequest;
    const rs = full.resourceSpans[0]!;
    const spans = rs.scopeSpans[0]!.spans;
    const asRequest = (list: Record<string, unknown>[]): OtlpRequest => ({
      resourceSpans: [{ ...rs, scopeSpans: [{ ...rs.scopeSpans[0]!, spans: list }] }],
    });
    const agent = spans.filter((s) => String(s.name).startsWith('invoke_agent'));
    const res = await post(c.url, asRequest(agent));
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '0',
        errorMessage:
          '1 agent span kept, but no run yet: no model-call or tool span of its trace has arrived (agent spans only name the agent)',
      },
    });
    expect(await storedEvents(c.url, 'conv-impatient')).toBeNull();
    const rest = await post(c.url, asRequest(spans.filter((s) => !agent.includes(s))));
    expect(await rest.json()).toEqual({});
    expect(await storedEvents(c.url, 'conv-impatient')).toEqual(importOtlpJson(full).get('conv-impatient'));
  });

  it('answers 400 to malformed bodies (JSON or protobuf), 415 to other types, and stores nothing', async () => {
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
    expect(proto.status).toBe(400);
    expect(((await proto.json()) as { error: string }).error).toMatch(
      /^\$: not a valid OTLP protobuf ExportTraceServiceRequest .*nothing was stored$/,
    );
    const text = await post(c.url, '{}', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: string }).error).toBe(
      'expected Content-Type application/x-protobuf or application/json (OTLP/HTTP), got text/plain',
    );
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
    expect(await storedEvents(c.url, 'conv-x')).toEqual(importOtlpJson(asRequest(chats)).get('conv-x'));
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
