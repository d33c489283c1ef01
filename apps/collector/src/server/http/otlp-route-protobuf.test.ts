// POST /v1/traces in OTLP/HTTP protobuf, plain and gzip, fed by the real OpenTelemetry JS
// exporter (`@opentelemetry/exporter-trace-otlp-proto`) behind a BatchSpanProcessor; partialSuccess
// for spans without agent semantics, seen in the exporter's own log; a gzip bomb refused with 413.
import { gzipSync } from 'node:zlib';
import {
  impatientAgentScript,
  playAgentScript,
  recordAgentOtlp,
  recordAgentOtlpProtobuf,
} from '@causelane/importers/testing';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  anomalyKeys,
  CORRECT_AGENT,
  captureDiagWarnings,
  exportThrough,
  IMPATIENT_ANOMALIES,
  listedRuns,
  recordingProxy,
  seriousAnomalies,
} from '../../testing/otlp-exporters.ts';
import { postOtlp as post } from '../../testing/otlp-requests.ts';
import { startTestCollector, type TestCollector } from '../../testing/test-collector.ts';

let c: TestCollector;
let diagLog: ReturnType<typeof captureDiagWarnings> | undefined;
afterEach(async () => {
  diagLog?.restore();
  diagLog = undefined;
  await c?.dispose();
});

describe('POST /v1/traces with application/x-protobuf', () => {
  it.each(['none', 'gzip'] as const)(
    'takes the real OTLP/HTTP protobuf exporter (compression %s): the run is listed with its anomalies',
    async (compression) => {
      c = await startTestCollector({ token: 'pb-tok' });
      const seen = await recordingProxy(c.url);
      const exporter = new OTLPTraceExporter({
        url: `${seen.url}/v1/traces`,
        headers: { authorization: 'Bearer pb-tok' },
        compression: compression === 'gzip' ? ('gzip' as never) : ('none' as never),
      });
      diagLog = captureDiagWarnings();
      await exportThrough(exporter, (p) => {
        playAgentScript(p, impatientAgentScript('conv-impatient'));
        playAgentScript(p, CORRECT_AGENT);
      });
      await seen.close();
      expect(diagLog.warnings).toEqual([]);
      // What the exporter really sent.
      expect(seen.requests.length).toBeGreaterThan(1);
      for (const r of seen.requests) {
        expect(r['content-type']).toBe('application/x-protobuf');
        expect(r['content-encoding']).toBe(compression === 'gzip' ? 'gzip' : undefined);
      }
      const runs = await listedRuns(c, 'pb-tok');
      expect(runs.map((r) => r.id).sort()).toEqual(['conv-correct', 'conv-impatient']);
      expect(runs.find((r) => r.id === 'conv-impatient')!.anomalies).toMatchObject({ error: 2 });
      expect(runs.find((r) => r.id === 'conv-correct')!.anomalies).toMatchObject({ error: 0, warning: 0 });
      expect(await anomalyKeys(c, 'conv-impatient', 'pb-tok')).toEqual(IMPATIENT_ANOMALIES);
      expect(await seriousAnomalies(c, 'conv-correct', 'pb-tok')).toEqual([]);
    },
  );

  it('answers partialSuccess for spans without agent semantics, which the exporter logs', async () => {
    c = await startTestCollector();
    diagLog = captureDiagWarnings();
    await exportThrough(new OTLPTraceExporter({ url: `${c.url}/v1/traces` }), (p) => {
      const tracer = p.getTracer('http');
      for (const name of ['GET /health', 'SELECT users']) tracer.startSpan(name).end();
    });
    expect(await listedRuns(c)).toEqual([]);
    const logged = diagLog.warnings.join('\n');
    expect(logged).toContain('Received Partial Success response');
    expect(logged).toMatch(/"rejectedSpans":"?2"?/);
    expect(logged).toContain('carry no agent semantics and were not stored');
    expect(logged).toContain('GET /health');
  });

  it('refuses a gzip bomb with 413 before inflating it past the body limit', async () => {
    c = await startTestCollector({ limits: { maxBodyBytes: 1024 * 1024 } });
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    for (const type of ['application/x-protobuf', 'application/json']) {
      const res = await fetch(`${c.url}/v1/traces`, {
        method: 'POST',
        body: bomb,
        headers: { 'content-type': type, 'content-encoding': 'gzip' },
      });
      expect(res.status, type).toBe(413);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /inflates to more than 1048576 bytes.*nothing was stored/,
      );
    }
    // Under the limit once inflated, gzip JSON is taken as plain JSON is.
    const json = gzipSync(JSON.stringify(recordAgentOtlp(CORRECT_AGENT)));
    const ok = await fetch(`${c.url}/v1/traces`, {
      method: 'POST',
      body: json,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
    expect((await listedRuns(c)).map((r) => r.id)).toEqual(['conv-correct']);
  });

  it('names what is wrong with a bad body, and stores nothing', async () => {
    c = await startTestCollector();
    const good = recordAgentOtlpProtobuf(CORRECT_AGENT);
    const cases: [Uint8Array, Record<string, string>, number, RegExp][] = [
      [
        good.subarray(0, good.length - 5),
        {},
        400,
        /^\$: not a valid OTLP protobuf ExportTraceServiceRequest/,
      ],
      [good, { 'content-encoding': 'br' }, 415, /Content-Encoding br is not supported/],
      [Buffer.from('not gzip'), { 'content-encoding': 'gzip' }, 400, /gzip body cannot be inflated/],
    ];
    for (const [body, headers, status, message] of cases) {
      const res = await fetch(`${c.url}/v1/traces`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-protobuf', ...headers },
      });
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    const latin1 = await post(c.url, Buffer.from([0x7b, 0xff, 0x7d]) as unknown as string);
    expect(latin1.status).toBe(400);
    expect(await listedRuns(c)).toEqual([]);
  });

  it('answers 200 or a named 400 to corrupted protobuf, never a 500, and stores only valid runs', async () => {
    c = await startTestCollector();
    const good = recordAgentOtlpProtobuf(CORRECT_AGENT);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat({ max: good.length }),
        async (flips, cut) => {
          const body = Buffer.from(good.subarray(0, Math.max(1, cut)));
          for (const [i, b] of flips) if (i < body.length) body[i] = b;
          const res = await fetch(`${c.url}/v1/traces`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/x-protobuf' },
          });
          if (res.status === 400)
            expect(((await res.json()) as { error: string }).error).toMatch(/nothing was stored$/);
          else expect(res.status).toBe(200);
        },
      ),
      { numRuns: 60 },
    );
    const runs = await fetch(`${c.url}/api/runs`);
    expect(runs.status).toBe(200);
  });

  it('answers a plain protobuf POST with a protobuf ExportTraceServiceResponse', async () => {
    c = await startTestCollector();
    const res = await fetch(`${c.url}/v1/traces`, {
      method: 'POST',
      body: recordAgentOtlpProtobuf(impatientAgentScript('conv-impatient')),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect(await anomalyKeys(c, 'conv-impatient')).toEqual(IMPATIENT_ANOMALIES);
  });
});
