// socket.io ingest and UI fan-out against a real collector: acks after commit, dedup of resends,
// a watcher joining mid-run (history then live, no gap, no repeat), limits and auth.
import {
  type ApiError,
  INGEST_NAMESPACE,
  type IngestAck,
  type RunChangedMessage,
  type TraceEvent,
  type WatchAck,
} from '@causelane/trace-schema';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connected,
  type IngestClient,
  sampleRun,
  startTestCollector,
  type TestCollector,
} from '../../testing/test-collector.ts';

function send(client: IngestClient, batch: number, events: unknown[]): Promise<IngestAck> {
  return client.timeout(5000).emitWithAck('events', { batch, events });
}

function stream(run: string, n: number): TraceEvent[] {
  return Array.from({ length: n }, (_, seq) => ({
    v: 1,
    run,
    seq,
    t: 1_760_000_000_000 + seq,
    type: 'llm.request',
    turn: seq + 1,
  }));
}

describe('socket.io ingest and fan-out', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(() => c.dispose());

  it('acks a batch after storing it and dedups a resend by (run, seq)', async () => {
    const client = await c.ingestClient();
    const events = sampleRun('acked');
    expect(await send(client, 7, events)).toEqual({ ok: true, batch: 7, stored: 12, duplicates: 0 });
    expect(await c.store.runEvents('acked')).toEqual(events);
    expect(await send(client, 7, events.slice(5))).toEqual({ ok: true, batch: 7, stored: 0, duplicates: 7 });
    expect((await c.store.getRun('acked'))!.events).toBe(12);
  });

  it('gives a browser that joins mid-run the history, then the live stream, with no gap and no repeat', async () => {
    const total = 600;
    const events = stream('live', total);
    const agent = await c.ingestClient();
    const browser = await c.uiClient();
    const seen: number[] = [];
    browser.on('run:events', (msg) => {
      if (msg.run === 'live') for (const e of msg.events) seen.push(e.seq);
    });
    const acks: Promise<IngestAck>[] = [];
    let watch: Promise<WatchAck> | null = null;
    for (let i = 0; i < total; i += 10) {
      acks.push(send(agent, i, events.slice(i, i + 10)));
      // Join while batches are in flight on the agent's socket, after the first hundred are stored.
      if (i === 100) await acks[acks.length - 1];
      if (i === 200) watch = browser.timeout(5000).emitWithAck('run:watch', { run: 'live' });
    }
    await Promise.all(acks);
    const history = (await watch!) as Extract<WatchAck, { ok: true }>;
    expect(history.ok).toBe(true);
    expect(history.events.length).toBeGreaterThan(100);
    await expect.poll(() => history.events.length + seen.length).toBe(total);
    const all = [...history.events.map((e) => e.seq), ...seen];
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('stops sending a run after run:unwatch and answers an invalid watch with an error', async () => {
    const agent = await c.ingestClient();
    const browser = await c.uiClient();
    let live = 0;
    browser.on('run:events', () => live++);
    await browser.timeout(5000).emitWithAck('run:watch', { run: 'unwatched' });
    await send(agent, 1, stream('unwatched', 2));
    await expect.poll(() => live).toBe(1);
    browser.emit('run:unwatch', { run: 'unwatched' });
    await browser.timeout(5000).emitWithAck('run:watch', { run: 'other' });
    await send(agent, 2, stream('unwatched', 4).slice(2));
    expect((await c.store.getRun('unwatched'))!.events).toBe(4);
    expect(live).toBe(1);
    const bad = await browser.timeout(5000).emitWithAck('run:watch', { run: '' } as never);
    expect(bad).toEqual({ ok: false, error: 'run:watch needs { run: string of 1-200 characters }' });
  });

  it('broadcasts runs:changed when a run is created, updated and deleted', async () => {
    const browser = await c.uiClient();
    const changes: RunChangedMessage[] = [];
    browser.on('runs:changed', (m) => {
      if (m.run === 'announced') changes.push(m);
    });
    const agent = await c.ingestClient();
    await send(agent, 1, stream('announced', 1));
    await send(agent, 2, stream('announced', 3).slice(1));
    await expect.poll(() => changes.map((m) => m.change)).toEqual(['created', 'updated']);
    await fetch(`${c.url}/api/runs/announced`, { method: 'DELETE' });
    await expect.poll(() => changes.map((m) => m.change)).toEqual(['created', 'updated', 'deleted']);
  });

  it('answers malformed payloads with an error ack, stores nothing from them and keeps the connection', async () => {
    const agent = await c.ingestClient();
    const before = (await c.store.listRuns()).runs.length;
    const shapes: unknown[] = [
      null,
      42,
      'x',
      [],
      {},
      { batch: -1, events: [{}] },
      { batch: 1, events: [] },
      { batch: 1.5, events: [1] },
    ];
    for (const payload of shapes) {
      const ack = (await agent.timeout(5000).emitWithAck('events', payload as never)) as IngestAck;
      expect(ack.ok).toBe(false);
      if (!ack.ok) expect(ack.error).toMatch(/payload must be \{ batch: integer >= 0, events/);
    }
    const mixed = [
      ...stream('partly-bad', 2),
      { v: 1, run: 'partly-bad', seq: 2, t: 1, type: 'tool.start', turn: 1 },
    ];
    const ack = await send(agent, 3, mixed);
    expect(ack).toEqual({
      ok: false,
      batch: 3,
      error: '1 of 3 events are invalid; nothing was stored',
      rejected: [{ index: 2, field: 'call', message: 'required for tool.start, but missing' }],
    });
    agent.emit('events', { batch: 9, events: stream('no-ack', 1) } as never, undefined as never);
    expect(await c.store.hasRunId('partly-bad')).toBe(false);
    expect(await send(agent, 4, stream('after-errors', 1))).toMatchObject({ ok: true, stored: 1 });
    expect(await c.store.hasRunId('no-ack')).toBe(false);
    expect((await c.store.listRuns()).runs.length).toBe(before + 1);
  });

  it('refuses a websocket from a foreign browser origin', async () => {
    const s = io(`${c.url}${INGEST_NAMESPACE}`, {
      transports: ['websocket'],
      extraHeaders: { origin: 'http://evil.example' },
      reconnection: false,
    });
    await expect(connected(s)).rejects.toThrow();
    s.disconnect();
  });
});

describe('limits', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector({
      limits: { maxEventBytes: 2000, maxBatchEvents: 10, eventsPerSecond: 40, maxBodyBytes: 5000 },
    });
  });
  afterAll(() => c.dispose());

  it('answers oversized events, oversized batches and a too-fast sender with error acks, and keeps serving', async () => {
    const agent = await c.ingestClient();
    const big = { ...stream('limited', 1)[0]!, note: 'x'.repeat(3000) };
    const tooBig = await send(agent, 1, [big]);
    expect(tooBig).toMatchObject({ ok: false, rejected: [{ index: 0, field: '(event)' }] });
    expect(tooBig.ok === false && tooBig.rejected?.[0]?.message).toMatch(/bytes; the limit is 2000/);
    expect(await send(agent, 2, stream('limited', 11))).toMatchObject({
      ok: false,
      error: 'batch has 11 events; the limit is 10',
    });
    const answers: IngestAck[] = [];
    for (let i = 0; i < 10; i++)
      answers.push(await send(agent, 10 + i, stream('limited', 10 * (i + 1)).slice(10 * i)));
    const limited = answers.find((a) => !a.ok);
    expect(limited).toMatchObject({ ok: false, error: 'rate limit of 40 events/s exceeded' });
    expect(limited?.ok === false && limited.retryAfterMs).toBeGreaterThan(0);
    const storedEvents = answers.filter((a) => a.ok).length * 10;
    expect((await c.store.getRun('limited'))!.events).toBe(storedEvents);
    expect(agent.connected).toBe(true);
  });

  it('answers an HTTP body over the limit with 413 and a JSON error', async () => {
    const res = await fetch(`${c.url}/api/runs`, { method: 'POST', body: 'x'.repeat(6000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ApiError).error).toMatch(/body/i);
  });
});

describe('socket auth', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector({ token: 'sock-tok' });
  });
  afterAll(() => c.dispose());

  it('refuses ingest and UI connections without the token and accepts them with it', async () => {
    // Refused at the engine.io handshake, before any namespace: HTTP 401.
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'connected',
        (err: { description?: { message?: string } }) => String(err.description?.message),
      );
    expect(await refusal(c.ingestClient())).toMatch(/Unexpected server response: 401/);
    expect(await refusal(c.uiClient('wrong'))).toMatch(/Unexpected server response: 401/);
    const agent = await c.ingestClient('sock-tok');
    expect(await send(agent, 1, stream('authed', 1))).toMatchObject({ ok: true });
    const browser = await c.uiClient('sock-tok');
    const ack = await browser.timeout(5000).emitWithAck('run:watch', { run: 'authed' });
    expect(ack.ok && ack.events.length).toBe(1);
  });
});
