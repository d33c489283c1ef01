// Fuzzing with fast-check: thousands of malformed socket payloads and HTTP bodies against a real
// collector. Each gets an error answer with a message, nothing is stored, and the server stays up.
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
  c = await startTestCollector();
  agent = await c.ingestClient();
});
afterAll(() => c.dispose());

const storedEvents = () => (c.store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

/** Corruptions that always make a valid event invalid (extra fields alone would still be valid). */
const corruption = fc.oneof(
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
  kind: 'drop' | 'set';
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
  if (cor.kind === 'drop') return true;
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

describe('malformed input', () => {
  it('answers thousands of malformed socket payloads with error acks and stores nothing', async () => {
    const payload = fc.oneof(
      fc.anything(),
      fc.record({ batch: fc.anything(), events: fc.anything() }),
      fc.record({ batch: fc.nat(), events: fc.array(fc.anything(), { minLength: 1, maxLength: 5 }) }),
      fc.record({ batch: fc.nat(), events: brokenBatch }),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const ack = (await agent.timeout(5000).emitWithAck('events', p as never)) as IngestAck;
        expect(ack.ok).toBe(false);
        if (!ack.ok) expect(ack.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 2500 },
    );
    expect(storedEvents()).toBe(0);
    expect(agent.connected).toBe(true);
  });

  it('answers thousands of malformed HTTP bodies with 400 and a message, and stores nothing', async () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
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
    await fc.assert(
      fc.asyncProperty(body, contentType, async (text, type) => {
        const res = await fetch(`${c.url}/api/runs`, {
          method: 'POST',
          body: text,
          headers: type ? { 'content-type': type } : {},
        });
        expect(res.status).toBe(400);
        const answer = (await res.json()) as { error: string };
        expect(answer.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 1500 },
    );
    const scenario = await fetch(`${c.url}/api/scenarios/x/run`, { method: 'POST', body: '{"mode":' });
    expect(scenario.status).toBe(400);
    expect(storedEvents()).toBe(0);
  });

  it('still stores valid input afterwards', async () => {
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    const ack = await agent
      .timeout(5000)
      .emitWithAck('events', { batch: 1, events: sampleRun('after-fuzz') });
    expect(ack).toMatchObject({ ok: true, stored: 12 });
  });
});
