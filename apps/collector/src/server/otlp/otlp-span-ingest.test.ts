// Appending OTLP spans to a big trace against a real collector and SQLite file: a request stores
// its spans without re-deriving the whole trace each time, derivations are shared between requests,
// and the stored run, the live view (run:events + run:reset) and a restart all end equal to a
// one-shot import of every span.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOtlpJson, otlpGenAiSpans, spansToEvents, type ToolSpan } from '@causelane/importers';
import { type AgentScript, impatientAgentScript, recordAgentOtlp } from '@causelane/importers/testing';
import type { TraceEvent } from '@causelane/trace-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpRequest, postOtlp as post, storedEvents } from '../../testing/otlp-requests.ts';
import { startTestCollector, type TestCollector } from '../../testing/test-collector.ts';
import { startCollector } from '../collector.ts';
import type { RunFanout } from '../socket/run-fanout.ts';
import { openEventStore } from '../store/open-event-store.ts';
import { INLINE_SPANS, OtlpSpanIngest } from './otlp-span-ingest.ts';

/** A long correct loop: each turn asks for two parallel calls whose results the next turn holds. */
function longRun(turnCount: number): OtlpRequest {
  const turns: AgentScript['turns'] = [];
  for (let k = 0, t = 0; k < turnCount; k++, t += 12) {
    const calls = [
      { id: `s${k}`, name: 'search', start: t + 6, end: t + 9 },
      { id: `c${k}`, name: 'calc', start: t + 6, end: t + 8 },
    ];
    turns.push({ start: t, end: t + 5, calls, results: turns.at(-1)?.calls.map((c) => c.id) });
  }
  return recordAgentOtlp({ conversationId: 'long', turns }) as OtlpRequest;
}

/** Every span as its own request, in a seeded shuffled order (late spans change earlier events). */
function oneSpanRequests(request: OtlpRequest, seed: number): OtlpRequest[] {
  const rs = request.resourceSpans[0]!;
  const spans = [...rs.scopeSpans[0]!.spans];
  let state = seed;
  const rand = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  // Mostly in end order, as a BatchSpanProcessor exports, with one in five moved earlier.
  spans.sort((a, b) => Number(BigInt(a.endTimeUnixNano as string) - BigInt(b.endTimeUnixNano as string)));
  for (let i = spans.length - 1; i > 0; i--) {
    if (rand() >= 0.2) continue;
    const j = Math.max(0, i - 1 - Math.floor(rand() * 20));
    [spans[i], spans[j]] = [spans[j]!, spans[i]!];
  }
  return spans.map((s) => ({
    resourceSpans: [{ ...rs, scopeSpans: [{ ...rs.scopeSpans[0]!, spans: [s] }] }],
  }));
}

let c: TestCollector;
afterEach(async () => {
  await c?.dispose();
});

describe('appending OTLP spans to a big trace', () => {
  it('shares derivations between requests and ends equal to a one-shot import, live and stored', async () => {
    c = await startTestCollector();
    const full = longRun(90);
    const requests = oneSpanRequests(full, 7);
    expect(requests.length).toBeGreaterThan(INLINE_SPANS * 4);
    const ui = await c.uiClient();
    const live: TraceEvent[] = [];
    let resets = 0;
    ui.on('run:events', (m) => live.push(...m.events));
    ui.on('run:reset', (m) => {
      resets++;
      live.splice(0, live.length, ...m.events);
    });
    await ui.emitWithAck('run:watch', { run: 'long' });

    const before = c.ingest.spanDerivations;
    for (const r of requests) {
      const res = await post(c.url, r);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    }
    await c.ingest.spansIdle();
    const derivations = c.ingest.spanDerivations - before;
    // Up to INLINE_SPANS the trace is derived per request; past it, passes are shared.
    expect(derivations).toBeGreaterThan(0);
    expect(derivations).toBeLessThan(INLINE_SPANS + (requests.length - INLINE_SPANS) / 2);

    const oneShot = importOtlpJson(full).get('long')!;
    expect(await storedEvents(c.url, 'long')).toEqual(oneShot);
    await expect.poll(() => live.length).toBe(oneShot.length);
    expect(live).toEqual(oneShot);
    expect(resets).toBeGreaterThan(0);
  }, 120_000);

  it('derives what is still pending before closing, so a restart finds the whole run', async () => {
    c = await startTestCollector();
    const full = longRun(40);
    const requests = oneSpanRequests(full, 3);
    // The last requests are stored but left for a coalesced pass; close at once.
    await Promise.all(requests.slice(0, INLINE_SPANS + 1).map((r) => post(c.url, r)));
    for (const r of requests.slice(INLINE_SPANS + 1)) expect((await post(c.url, r)).status).toBe(200);
    await c.close();
    const again = await startCollector({
      db: c.dbFile,
      port: 0,
      scenarioSdk: null,
      webDist: c.dir,
      log: { info: () => {}, error: () => {} },
    });
    try {
      expect(await storedEvents(again.url, 'long')).toEqual(importOtlpJson(full).get('long'));
    } finally {
      await again.close();
    }
  }, 120_000);
});

describe('OtlpSpanIngest on its own store', () => {
  it('derives, at the next start, spans a killed process stored but never derived', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causelane-span-recover-'));
    const db = join(dir, 'causelane.db');
    const quiet = { log: { info: () => {}, error: () => {} } };
    const fanout = { publish: () => {}, reset: () => {}, runChanged: () => {} } as unknown as RunFanout;
    const spans = otlpGenAiSpans([recordAgentOtlp(impatientAgentScript('conv-kill'))]);
    try {
      const first = await openEventStore(db, quiet);
      const ingest = new OtlpSpanIngest(
        first,
        fanout,
        { maxEventBytes: 1 << 20 },
        { inlineSpans: 0, log: quiet.log },
      );
      await ingest.idle();
      await ingest.ingest(spans.slice(0, 1));
      expect(await ingest.ingest(spans.slice(1))).toEqual({ ok: true, runs: [], deferred: true });
      // The process dies before its pass: the store goes away under it.
      await first.close();
      const before = spansToEvents('conv-kill', spans.slice(0, 1), { source: 'otlp' });

      const second = await openEventStore(db, quiet);
      try {
        const after = new OtlpSpanIngest(second, fanout, { maxEventBytes: 1 << 20 }, { log: quiet.log });
        expect(await second.runEvents('conv-kill')).toEqual(before);
        await after.idle();
        expect(await second.runEvents('conv-kill')).toEqual(
          spansToEvents('conv-kill', spans, { source: 'otlp' }),
        );
        await after.close();
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('derives the other traces of a shared pass when one cannot be derived, and logs that one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causelane-span-ingest-'));
    const store = await openEventStore(join(dir, 'causelane.db'), {
      log: { info: () => {}, error: () => {} },
    });
    try {
      const fanout = { publish: () => {}, reset: () => {}, runChanged: () => {} } as unknown as RunFanout;
      const errors: string[] = [];
      const ingest = new OtlpSpanIngest(
        store,
        fanout,
        { maxEventBytes: 4096 },
        {
          inlineSpans: 0,
          log: { error: (m) => errors.push(m) },
        },
      );
      const good = otlpGenAiSpans([recordAgentOtlp(impatientAgentScript('conv-good'))]);
      const bad = otlpGenAiSpans([recordAgentOtlp(impatientAgentScript('conv-bad'))]);
      // The first request of a trace is derived at once (its size is not known yet).
      expect(await ingest.ingest(good.slice(0, 1))).toMatchObject({ ok: true });
      expect(await ingest.ingest(bad.slice(0, 1))).toMatchObject({ ok: true });
      (bad.find((s) => s.kind === 'tool') as ToolSpan).result = 'x'.repeat(10_000);
      const [a, b] = await Promise.all([ingest.ingest(good.slice(1)), ingest.ingest(bad.slice(1))]);
      expect(a).toEqual({ ok: true, runs: [], deferred: true });
      expect(b).toEqual({ ok: true, runs: [], deferred: true });
      await ingest.idle();
      expect(await store.runEvents('conv-good')).toEqual(
        spansToEvents('conv-good', good, { source: 'otlp' }),
      );
      // conv-bad keeps what its first request derived.
      expect(await store.runEvents('conv-bad')).toEqual(
        spansToEvents('conv-bad', bad.slice(0, 1), { source: 'otlp' }),
      );
      expect(errors).toEqual([
        expect.stringMatching(
          /^OTLP trace [0-9a-f]{32}: its run cannot be derived: run "conv-bad" seq \d+: the tool\.end event is \d+ bytes; the limit is 4096$/,
        ),
      ]);
      await ingest.close();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
