// Fuzzing with fast-check: over 10,000 malformed socket payloads, HTTP bodies and OTLP requests
// against one real collector, including lone surrogates, invalid UTF-8, nesting past the cap and
// batches over the byte limit. Each gets an error answer with a message, nothing is stored, and
// the server stays up. HTTP and OTLP cases go 16 at a time to keep the run short.
import { impatientAgentScript, recordAgentOtlp } from '@causelane/importers/testing';
import type { IngestAck, TraceEvent } from '@causelane/trace-schema';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IngestClient,
  sampleRun,
  startTestCollector,
  type TestCollector,
} from '../testing/test-collector.ts';

let c: TestCollector;
let agent: IngestClient;
beforeAll(async () => {
  c = await startTestCollector({ limits: { maxBatchBytes: 16 * 1024 } });
  agent = await c.ingestClient();
});
afterAll(() => c.dispose());

const storedEvents = () => (c.store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

const deepArray = (n: number): unknown => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`);
/** Values no field may hold: unpaired surrogates, and nesting past the 100-level cap. */
const unsafeValue = fc.oneof(
  fc.constantFrom('x\ud800', '\udfff', 'ok😀'.slice(0, 3), '\ud800\ud800', 'a\udc00b'),
  fc.integer({ min: 101, max: 600 }).map(deepArray),
  fc.string().map((t) => ({ [`${t}\ud800`]: 1 })),
);

/** Corruptions that always make a valid event invalid (extra fields alone would still be valid). */
const corruption = fc.oneof(
  fc.record({
    kind: fc.constant('unsafe' as const),
    field: fc.constantFrom('run', 'agent', 'call', 'calls', 'result', 'args', 'meta', 'note'),
    value: unsafeValue,
  }),
  fc.string().map((k) => ({ kind: 'unsafe' as const, field: `${k}\udbff`, value: true })),
  fc.constantFrom('v', 'run', 'seq', 't', 'type').map((field) => ({ kind: 'drop' as const, field })),
  fc.record({
    kind: fc.constant('set' as const),
    field: fc.constantFrom('v', 'seq', 'turn', 'run', 't', 'type', 'call', 'calls', 'ok'),
    value: fc.oneof(
      fc.constantFrom(null, -1, 0.5, '', 'x'.repeat(201), [], {}, true, '1', 2, 'tool.nope'),
      fc.object(),
    ),
  }),
);

interface Corruption {
  kind: 'drop' | 'set' | 'unsafe';
  field: string;
  value?: unknown;
}

function corrupt(event: TraceEvent, cor: Corruption): unknown {
  const out: Record<string, unknown> = { ...event };
  if (cor.kind === 'drop') delete out[cor.field];
  else out[cor.field] = cor.value;
  return out;
}

/** True when the corruption really broke the event (e.g. setting `ok` on an event without it does not). */
function breaks(event: TraceEvent, cor: Corruption): boolean {
  if (cor.kind === 'drop' || cor.kind === 'unsafe') return true;
  const v = cor.value;
  switch (cor.field) {
    case 'v':
      return v !== 1;
    case 'seq':
      return !(Number.isInteger(v) && (v as number) >= 0);
    case 'turn':
      return 'turn' in event ? !(Number.isInteger(v) && (v as number) >= 1) : false;
    case 'run':
      return !(typeof v === 'string' && v.length >= 1 && v.length <= 200);
    case 't':
      return typeof v !== 'number';
    case 'type':
      return v !== event.type;
    case 'call':
      return 'call' in event && event.type !== 'state.read' && event.type !== 'state.write'
        ? typeof v !== 'string'
        : false;
    case 'calls':
      return event.type === 'llm.response' ? !Array.isArray(v) || v.length > 0 : false;
    case 'ok':
      return event.type === 'tool.end' ? typeof v !== 'boolean' : false;
    default:
      return false;
  }
}

const base = sampleRun('fuzz');
const brokenBatch = fc
  .tuple(fc.integer({ min: 0, max: base.length - 1 }), corruption, fc.integer({ min: 0, max: base.length }))
  .filter(([i, cor]) => breaks(base[i]!, cor))
  .map(([i, cor, keep]) => {
    const events: unknown[] = base.slice(0, keep);
    events.splice(Math.min(i, events.length), 0, corrupt(base[i]!, cor));
    return events;
  });

/** Valid events whose batch is over the 16 KiB byte limit of this collector. */
const oversizeBatch = fc.integer({ min: 1, max: 12 }).map((n) =>
  sampleRun('fuzz-fat')
    .slice(0, n)
    .map((e) => ({ ...e, pad: 'x'.repeat(Math.ceil((17 * 1024) / n)) })),
);

/** Valid JSONL with an invalid UTF-8 sequence put inside one of its lines. */
const badUtf8Body = fc
  .tuple(
    fc.integer({ min: 1, max: 12 }),
    fc.nat(),
    fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf5, 0x80, 0x80, 0x80], [0x80]),
  )
  .map(([n, at, bad]) => {
    const text = Buffer.from(
      sampleRun('fuzz-utf8')
        .slice(0, n)
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    // Inside a string value, so the line is still JSON but for the bytes.
    const quotes = [...text.keys()].filter((i) => text[i] === 0x22);
    const cut = quotes[at % quotes.length]! + 1;
    return new Uint8Array(Buffer.concat([text.subarray(0, cut), Buffer.from(bad), text.subarray(cut)]));
  });

/** Runs `fn` over every case, `width` at a time. */
async function pool<T>(cases: T[], width: number, fn: (c: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < cases.length) await fn(cases[next++]!);
    }),
  );
}

describe('malformed input', () => {
  it('answers thousands of malformed socket payloads with error acks and stores nothing', async () => {
    const payload = fc.oneof(
      fc.anything(),
      fc.record({ batch: fc.anything(), events: fc.anything() }),
      fc.record({ batch: fc.nat(), events: fc.array(fc.anything(), { minLength: 1, maxLength: 5 }) }),
      fc.record({ batch: fc.nat(), events: brokenBatch }),
      fc.record({ batch: fc.nat(), events: oversizeBatch }),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const ack = (await agent.timeout(5000).emitWithAck('events', p as never)) as IngestAck;
        expect(ack.ok).toBe(false);
        if (!ack.ok) expect(ack.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 5000 },
    );
    expect(storedEvents()).toBe(0);
    expect(agent.connected).toBe(true);
  }, 120_000);

  it('answers thousands of malformed HTTP bodies with 400 and a message, and stores nothing', async () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      brokenBatch.map((events) => events.map((e) => JSON.stringify(e)).join('\n')),
      fc.array(fc.jsonValue(), { maxLength: 4 }).map((vs) => vs.map((v) => JSON.stringify(v)).join('\n')),
      brokenBatch.map((events) => events.map((e) => JSON.stringify(e)).join('\n')),
    );
    const contentType = fc.constantFrom(
      undefined,
      'application/json',
      'application/x-ndjson',
      'text/plain',
      'multipart/form-data',
    );
    const cases = fc.sample(fc.tuple(fc.oneof(body, badUtf8Body), contentType), { numRuns: 3000, seed: 11 });
    await pool(cases, 16, async ([text, type]) => {
      const res = await fetch(`${c.url}/api/runs`, {
        method: 'POST',
        body: text,
        headers: type ? { 'content-type': type } : {},
      });
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: string; details?: string[] };
      expect(answer.error.length).toBeGreaterThan(10);
      // Invalid UTF-8 is named with its line, never stored as U+FFFD.
      if (text instanceof Uint8Array)
        expect(answer.details?.[0]).toMatch(/^line:\d+: field \(line\): not valid UTF-8/);
    });
    const scenario = await fetch(`${c.url}/api/scenarios/x/run`, { method: 'POST', body: '{"mode":' });
    expect(scenario.status).toBe(400);
    expect(storedEvents()).toBe(0);
  }, 120_000);

  it('answers thousands of malformed OTLP requests with a 4xx or a partial success, and stores nothing', async () => {
    const recorded = JSON.stringify(recordAgentOtlp(impatientAgentScript('fuzz-otlp')));
    // Every string of a real request, each a place to put an unpaired surrogate or a deep value.
    const strings = [...recorded.matchAll(/"(?:[^"\\]|\\.)*"/g)].map((m) => m.index!);
    const request = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ resourceSpans: fc.array(fc.anything(), { maxLength: 3 }) }).map((v) => JSON.stringify(v)),
      fc.tuple(fc.nat(), fc.constantFrom('\\ud800', '\\udfff', 'a\\udbffb')).map(([i, bad]) => {
        const at = strings[i % strings.length]! + 1;
        return `${recorded.slice(0, at)}${bad}${recorded.slice(at)}`;
      }),
      fc
        .integer({ min: 101, max: 800 })
        .map((n) => recorded.replace('"attributes":[', `"attributes":[${'['.repeat(n)}${']'.repeat(n)},`)),
      fc.nat().map((i) => {
        const bytes = Buffer.from(recorded);
        const at = strings[i % strings.length]! + 1;
        return new Uint8Array(
          Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xfe]), bytes.subarray(at)]),
        );
      }),
    );
    await pool(fc.sample(request, { numRuns: 2000, seed: 12 }), 16, async (body) => {
      const res = await fetch(`${c.url}/v1/traces`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      const answer = (await res.json()) as { error?: string; partialSuccess?: { errorMessage: string } };
      if (res.status === 200) expect(answer.partialSuccess?.errorMessage ?? '').not.toMatch(/internal/);
      else {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(answer.error?.length).toBeGreaterThan(10);
      }
    });
    expect(storedEvents()).toBe(0);
  }, 120_000);

  it('still stores valid input afterwards', async () => {
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    const ack = await agent
      .timeout(5000)
      .emitWithAck('events', { batch: 1, events: sampleRun('after-fuzz') });
    expect(ack).toMatchObject({ ok: true, stored: 12 });
  });
});
