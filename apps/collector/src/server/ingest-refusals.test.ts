// How the collector answers a batch it cannot take now or at all, against a real collector: a busy
// database is a "retry later" with retryAfterMs (socket) or 503 + Retry-After (HTTP) that the real
// SDK sink waits out; a conflict the database finds is a conflict ack or a 409; the default Tracer
// and sink get 300 events of 70 KB each through; and anomalies are analyzed once per run change.
import { Tracer } from '@causelane/sdk';
import { SocketIoSink } from '@causelane/sdk/socketio';
import type { ApiError } from '@causelane/trace-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRun, startTestCollector, type TestCollector } from '../testing/test-collector.ts';
import { StoreBusyError } from './store/event-store.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(() => c.dispose());

const jsonl = (events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;

/** Makes the store refuse the next `n` inserts as busy, as SQLite does past its busy timeout. */
function busyFor(n: number): { refused: () => number } {
  const insert = c.store.insert.bind(c.store);
  let refused = 0;
  c.store.insert = async (events, bodies) => {
    if (refused < n) {
      refused++;
      throw new StoreBusyError('sqlite_busy', 40);
    }
    return insert(events, bodies);
  };
  return { refused: () => refused };
}

describe('a busy database', () => {
  it('answers a socket batch with retryAfterMs, and the real sink retries until it is stored', async () => {
    const agent = await c.ingestClient();
    const busy = busyFor(1);
    const ack = await agent
      .timeout(5000)
      .emitWithAck('events', { batch: 1, events: sampleRun('busy-socket') });
    expect(ack).toMatchObject({
      ok: false,
      retryAfterMs: 40,
      error: expect.stringMatching(/database is busy/),
    });
    expect(busy.refused()).toBe(1);
    busyFor(3);
    const sink = new SocketIoSink({ url: c.url });
    expect(await sink.write(sampleRun('busy-sink'))).toEqual({ stored: 12, duplicates: 0 });
    await sink.close();
  });

  it('answers an upload with 503 and Retry-After, storing nothing', async () => {
    busyFor(1);
    const res = await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun('busy-upload')) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as ApiError).error).toMatch(/retry later/);
    expect(await c.store.hasRunId('busy-upload')).toBe(false);
  });
});

describe('a conflict found by the database', () => {
  it('is a conflict ack over the socket and a 409 over HTTP', async () => {
    const agent = await c.ingestClient();
    await agent.timeout(5000).emitWithAck('events', { batch: 1, events: sampleRun('conflicted') });
    const changed = sampleRun('conflicted').map((e) => (e.seq === 3 ? { ...e, t: 3 } : e));
    const ack = await agent.timeout(5000).emitWithAck('events', { batch: 2, events: changed });
    expect(ack).toMatchObject({ ok: false, conflict: true, rejected: [{ field: 'seq' }] });
    const res = await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(changed) });
    expect(res.status).toBe(409);
  });
});

describe('big events through the default Tracer and sink', () => {
  it('stores all 300 events of 70 KB each (a 21 MB trace) without a disconnect', async () => {
    const sink = new SocketIoSink({ url: c.url });
    // Dropped connections only: close() ends with one of its own ("io client disconnect").
    const drops: string[] = [];
    (sink as unknown as { socket: { on(ev: string, fn: (reason: string) => void): void } }).socket.on(
      'disconnect',
      (reason) => {
        if (reason !== 'io client disconnect') drops.push(reason);
      },
    );
    const tracer = new Tracer({ run: 'seventy-kb', sinks: [sink] });
    for (let turn = 1; turn <= 300; turn++)
      tracer.emit({ type: 'llm.request', turn, note: 'x'.repeat(70_000) } as never);
    await tracer.close();
    expect((await c.store.getRun('seventy-kb'))?.events).toBe(300);
    expect(drops).toEqual([]);
  }, 60_000);
});

describe('anomalies', () => {
  it('are analyzed once per run change, however often they are asked for', async () => {
    const runEvents = c.store.runEvents.bind(c.store);
    let reads = 0;
    c.store.runEvents = async (run) => {
      reads++;
      return runEvents(run);
    };
    await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun('cached').slice(0, 8)) });
    const ask = async () =>
      (await fetch(`${c.url}/api/runs/cached/anomalies`)).json() as Promise<{ anomalies: unknown[] }>;
    const first = await ask();
    await Promise.all([ask(), ask(), ask()]);
    expect(reads).toBe(1);
    await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun('cached')) });
    const after = await ask();
    expect(reads).toBe(2);
    expect(after).not.toEqual(first);
  });
});
