// SocketIoSink against a real socket.io server on loopback that stores and dedups by (run, seq) the
// way the collector does, and can drop acks, refuse batches or go away and come back.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INGEST_NAMESPACE, type IngestAck, type TraceEvent } from '@causelane/trace-schema';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectorRejectedError, SocketIoSink } from './socketio-sink.ts';

interface FakeCollector {
  port: number;
  stored: Map<string, TraceEvent>;
  messages: number;
  /** Called per batch; answer undefined to store and ack normally. */
  hook: ((batch: { batch: number; events: TraceEvent[] }) => IngestAck | 'drop-ack' | undefined) | null;
  token: string | null;
  close(): Promise<void>;
}

const servers: FakeCollector[] = [];
const sinks: SocketIoSink[] = [];

async function startFake(port = 0, stored = new Map<string, TraceEvent>()): Promise<FakeCollector> {
  const http: HttpServer = createServer();
  const io = new Server(http);
  const fake: FakeCollector = {
    port,
    stored,
    messages: 0,
    hook: null,
    token: null,
    close: () => new Promise((r) => io.close(() => r())),
  };
  const nsp = io.of(INGEST_NAMESPACE);
  nsp.use((socket, next) => {
    if (fake.token === null || socket.handshake.auth.token === fake.token) next();
    else next(new Error('unauthorized'));
  });
  nsp.on('connection', (socket) => {
    socket.on('events', (batch: { batch: number; events: TraceEvent[] }, ack: (a: IngestAck) => void) => {
      fake.messages++;
      const hooked = fake.hook?.(batch);
      if (hooked && hooked !== 'drop-ack') return ack(hooked);
      let fresh = 0;
      for (const e of batch.events) {
        const key = `${e.run}/${e.seq}`;
        if (!fake.stored.has(key)) fresh++;
        fake.stored.set(key, e);
      }
      if (hooked === 'drop-ack') return;
      ack({ ok: true, batch: batch.batch, stored: fresh, duplicates: batch.events.length - fresh });
    });
  });
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', () => r()));
  fake.port = (http.address() as AddressInfo).port;
  servers.push(fake);
  return fake;
}

function events(run: string, from: number, n: number): TraceEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    v: 1,
    run,
    seq: from + i,
    t: 1000 + i,
    type: 'llm.request',
    turn: 1 + i,
  }));
}

function sinkFor(
  port: number,
  extra: Partial<ConstructorParameters<typeof SocketIoSink>[0]> = {},
): SocketIoSink {
  const sink = new SocketIoSink({ url: `http://127.0.0.1:${port}`, ...extra });
  sinks.push(sink);
  return sink;
}

afterEach(async () => {
  for (const s of sinks.splice(0)) (s as unknown as { socket: { disconnect(): void } }).socket.disconnect();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('SocketIoSink', () => {
  it('resolves a write with the collector ack once the batch is stored', async () => {
    const fake = await startFake();
    const sink = sinkFor(fake.port);
    expect(await sink.write(events('r', 0, 3))).toEqual({ stored: 3, duplicates: 0 });
    expect([...fake.stored.keys()]).toEqual(['r/0', 'r/1', 'r/2']);
    await sink.close();
  });

  it('splits a large write into batches the collector accepts', async () => {
    const fake = await startFake();
    const sink = sinkFor(fake.port, { maxBatchEvents: 100 });
    expect(await sink.write(events('big', 0, 450))).toEqual({ stored: 450, duplicates: 0 });
    expect(fake.messages).toBe(5);
  });

  it('resends a batch whose ack never came, and the dedup makes the resend harmless', async () => {
    const fake = await startFake();
    let dropped = false;
    fake.hook = () => {
      if (dropped) return undefined;
      dropped = true;
      return 'drop-ack';
    };
    const sink = sinkFor(fake.port, { ackTimeoutMs: 150 });
    const ack = await sink.write(events('lost-ack', 0, 4));
    expect(ack).toEqual({ stored: 0, duplicates: 4 });
    expect(fake.messages).toBe(2);
    expect(fake.stored.size).toBe(4);
  });

  it('holds writes while the collector is down and delivers them after it restarts on the same port', async () => {
    const first = await startFake();
    const sink = sinkFor(first.port, { ackTimeoutMs: 500 });
    await sink.write(events('outage', 0, 2));
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    const during = sink.write(events('outage', 2, 3));
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.bufferedEvents).toBe(3);
    const second = await startFake(first.port, first.stored);
    expect(await during).toMatchObject({ stored: 3 });
    await sink.flush();
    expect([...second.stored.keys()].sort()).toEqual([
      'outage/0',
      'outage/1',
      'outage/2',
      'outage/3',
      'outage/4',
    ]);
    await sink.close();
  });

  it('gives up closing after closeTimeoutMs when the collector never comes back, naming the unacked events', async () => {
    const fake = await startFake();
    const sink = sinkFor(fake.port, { closeTimeoutMs: 200 });
    await sink.write(events('gone', 0, 1));
    await fake.close();
    servers.splice(servers.indexOf(fake), 1);
    const pending = sink.write(events('gone', 1, 3));
    const pendingOutcome = pending.then(
      () => null,
      (err: Error) => err,
    );
    const started = Date.now();
    await expect(sink.close()).rejects.toThrow(
      /^SocketIoSink\.close: 3 events in 1 batch not acknowledged by the collector within 200 ms \(not connected: .+\); they may not be stored$/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await pendingOutcome)?.message).toMatch(/3 events in 1 batch not acknowledged/);
    expect(sink.connected).toBe(false);
    expect(sink.bufferedEvents).toBe(0);
    await expect(sink.write(events('gone', 4, 1))).rejects.toThrow('closed');
  });

  it('refuses a write beyond its buffer bound instead of growing without limit', async () => {
    const fake = await startFake();
    await fake.close();
    servers.splice(0);
    const sink = sinkFor(fake.port, { maxBufferedEvents: 5 });
    const held = sink.write(events('bounded', 0, 4));
    await expect(sink.write(events('bounded', 4, 2))).rejects.toThrow(
      /buffer full: 4 events await an ack \(limit 5\)/,
    );
    expect(sink.bufferedEvents).toBe(4);
    held.catch(() => {});
  });

  it('rejects a write the collector refuses as invalid, with its reason, and does not resend it', async () => {
    const fake = await startFake();
    fake.hook = (b) => ({
      ok: false,
      batch: b.batch,
      error: '1 of 1 events are invalid; nothing was stored',
      rejected: [{ index: 0, field: 'turn', message: 'must be >= 1' }],
    });
    const sink = sinkFor(fake.port);
    const err = await sink.write(events('bad', 0, 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectorRejectedError);
    expect((err as Error).message).toMatch(/event 0: field turn: must be >= 1/);
    expect(fake.messages).toBe(1);
    await sink.flush();
  });

  it('waits and resends when the collector answers with a rate-limit retry', async () => {
    const fake = await startFake();
    let limited = 0;
    fake.hook = (b) =>
      limited++ < 2 ? { ok: false, batch: b.batch, error: 'rate limit', retryAfterMs: 20 } : undefined;
    const sink = sinkFor(fake.port);
    expect(await sink.write(events('slow', 0, 2))).toEqual({ stored: 2, duplicates: 0 });
    expect(fake.messages).toBe(3);
  });

  it('sends its token in the handshake and fails fast when the collector refuses it', async () => {
    const fake = await startFake();
    fake.token = 'sekret';
    const good = sinkFor(fake.port, { token: 'sekret' });
    expect(await good.write(events('auth', 0, 1))).toEqual({ stored: 1, duplicates: 0 });
    const bad = sinkFor(fake.port, { token: 'wrong' });
    await expect(bad.write(events('auth', 1, 1))).rejects.toThrow(/refused the connection: unauthorized/);
  });
});
