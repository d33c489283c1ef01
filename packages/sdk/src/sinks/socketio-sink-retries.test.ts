// SocketIoSink under pressure, against a real socket.io server on loopback that stores like the
// collector (one batch at a time, dedup by (run, seq)): batches cut by bytes, a window of sends
// after an outage instead of a storm, backoff with jitter, late acks, and a handshake refusal.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INGEST_NAMESPACE, type IngestAck, type TraceEvent } from '@causelane/trace-schema';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketIoSink } from './socketio-sink.ts';
import { backoffDelay, splitBatches } from './socketio-sink-batches.ts';

type Answer = IngestAck | 'no-answer' | undefined;

interface SlowCollector {
  port: number;
  stored: Map<string, TraceEvent>;
  /** Sends per batch id. */
  sends: Map<number, number>;
  /** Bytes of each message's events. */
  sizes: number[];
  /** Called per message with its attempt number (1-based per batch); answer undefined to store and ack. */
  hook: ((batch: number, attempt: number) => Answer) | null;
  /** Delay of the ack per message (ms), after storing. */
  ackDelay: (batch: number, attempt: number) => number;
  close(): Promise<void>;
}

const servers: SlowCollector[] = [];
const sinks: SocketIoSink[] = [];

async function startSlow(port = 0, perBatchMs = 0): Promise<SlowCollector> {
  const http: HttpServer = createServer();
  const io = new Server(http, { maxHttpBufferSize: 16 * 1024 * 1024 });
  const fake: SlowCollector = {
    port,
    stored: new Map(),
    sends: new Map(),
    sizes: [],
    hook: null,
    ackDelay: () => 0,
    close: () => new Promise((r) => io.close(() => r())),
  };
  // One batch at a time, like SQLite's single writer.
  let queue = Promise.resolve();
  io.of(INGEST_NAMESPACE).on('connection', (socket) => {
    socket.on('events', (msg: { batch: number; events: TraceEvent[] }, ack: (a: IngestAck) => void) => {
      const attempt = (fake.sends.get(msg.batch) ?? 0) + 1;
      fake.sends.set(msg.batch, attempt);
      fake.sizes.push(Buffer.byteLength(JSON.stringify(msg.events)));
      queue = queue.then(async () => {
        if (perBatchMs > 0) await new Promise((r) => setTimeout(r, perBatchMs));
        const hooked = fake.hook?.(msg.batch, attempt);
        if (hooked === 'no-answer') return;
        if (hooked) return void ack(hooked);
        let fresh = 0;
        for (const e of msg.events) {
          const key = `${e.run}/${e.seq}`;
          if (!fake.stored.has(key)) fresh++;
          fake.stored.set(key, e);
        }
        const answer: IngestAck = {
          ok: true,
          batch: msg.batch,
          stored: fresh,
          duplicates: msg.events.length - fresh,
        };
        const delay = fake.ackDelay(msg.batch, attempt);
        if (delay > 0) setTimeout(() => ack(answer), delay);
        else ack(answer);
      });
    });
  });
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', () => r()));
  fake.port = (http.address() as AddressInfo).port;
  servers.push(fake);
  return fake;
}

const events = (run: string, from: number, n: number, pad = 0): TraceEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    v: 1,
    run,
    seq: from + i,
    t: 1000 + i,
    type: 'llm.request',
    turn: 1 + i,
    ...(pad > 0 ? { note: 'x'.repeat(pad) } : {}),
  }));

function sinkFor(port: number, extra: Partial<ConstructorParameters<typeof SocketIoSink>[0]> = {}) {
  const sink = new SocketIoSink({ url: `http://127.0.0.1:${port}`, ...extra });
  sinks.push(sink);
  return sink;
}

afterEach(async () => {
  for (const s of sinks.splice(0)) (s as unknown as { socket: { disconnect(): void } }).socket.disconnect();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('SocketIoSink batches by bytes', () => {
  it('stores 300 events of 70 KB each, in messages of at most 1 MiB', async () => {
    const fake = await startSlow();
    const sink = sinkFor(fake.port);
    expect(await sink.write(events('big', 0, 300, 70_000))).toEqual({ stored: 300, duplicates: 0 });
    expect(fake.stored.size).toBe(300);
    expect(Math.max(...fake.sizes)).toBeLessThanOrEqual(1024 * 1024);
    expect(fake.sizes.length).toBeGreaterThanOrEqual(21);
    await sink.close();
  });

  it('refuses an event larger than the limit alone, naming it, and sends nothing of that write', async () => {
    const fake = await startSlow();
    const sink = sinkFor(fake.port);
    const write = [...events('huge', 0, 2), ...events('huge', 2, 1, 300_000)];
    await expect(sink.write(write)).rejects.toThrow(
      /event run "huge" seq 2 \(llm\.request\) is \d+ bytes of JSON; the limit is 262144.*nothing of this write was sent/,
    );
    expect(sink.bufferedEvents).toBe(0);
    expect(await sink.write(events('huge', 0, 2))).toEqual({ stored: 2, duplicates: 0 });
    expect(fake.sends.size).toBe(1);
  });

  it('splits by count and by bytes, whichever comes first', () => {
    const limits = { maxBatchEvents: 3, maxBatchBytes: 600, maxEventBytes: 400 };
    expect(splitBatches(events('r', 0, 7), limits).map((b) => b.length)).toEqual([3, 3, 1]);
    expect(splitBatches(events('r', 0, 3, 200), limits).map((b) => b.length)).toEqual([2, 1]);
  });
});

describe('SocketIoSink retries', () => {
  it('backs off exponentially with jitter, never below a wait the collector asked for', () => {
    const b = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(r, b, 0, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(r, b, 0, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(1, b, 700, () => 0.5)).toBe(700);
  });

  it('retries a "retry later" answer with growing gaps until it is stored', async () => {
    const fake = await startSlow();
    const at: number[] = [];
    fake.hook = (_b, attempt) => {
      at.push(performance.now());
      return attempt <= 4
        ? { ok: false, batch: 0, error: 'database is busy; retry later', retryAfterMs: 1 }
        : undefined;
    };
    const sink = sinkFor(fake.port, { retryBackoff: { baseMs: 40, maxMs: 2000 } });
    expect(await sink.write(events('busy', 0, 2))).toEqual({ stored: 2, duplicates: 0 });
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps).toHaveLength(4);
    // Retry n waits between half and all of 40 * 2^(n-1) ms.
    for (const [i, g] of gaps.entries()) expect(g).toBeGreaterThanOrEqual(20 * 2 ** i - 5);
    expect(gaps[3]!).toBeGreaterThan(gaps[0]!);
  });

  it('after an outage resends a window at a time with backoff, not every batch at every timeout', async () => {
    const first = await startSlow();
    const port = first.port;
    await first.close();
    servers.splice(0);
    const sink = sinkFor(port, { ackTimeoutMs: 300, maxBatchEvents: 5 });
    // 200 batches wait for a collector that is down, then one that stores a batch per 5 ms (1 s in all).
    const writes = Array.from({ length: 200 }, (_, i) => sink.write(events('storm', i * 5, 5)));
    await new Promise((r) => setTimeout(r, 400));
    const back = await startSlow(port, 5);
    await Promise.all(writes);
    expect(back.stored.size).toBe(1000);
    const sends = [...back.sends.values()];
    expect(sends).toHaveLength(200);
    const total = sends.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(220);
    expect(Math.max(...sends)).toBeLessThanOrEqual(2);
    await sink.close();
  });

  it('takes a late ok ack of an earlier attempt even when the resend is never answered', async () => {
    const fake = await startSlow();
    fake.ackDelay = (_b, attempt) => (attempt === 1 ? 400 : 0);
    fake.hook = (_b, attempt) => (attempt >= 2 ? 'no-answer' : undefined);
    const sink = sinkFor(fake.port, { ackTimeoutMs: 150, retryBackoff: { baseMs: 50, maxMs: 50 } });
    const started = performance.now();
    expect(await sink.write(events('late', 0, 3))).toEqual({ stored: 3, duplicates: 0 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(fake.sends.get(0)).toBeGreaterThanOrEqual(2);
  });
});

describe('SocketIoSink handshake refusal', () => {
  it('fails fast when the collector answers the engine.io handshake with 401', async () => {
    const http = createServer();
    http.on('upgrade', (_req, socket) => {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    try {
      const sink = sinkFor((http.address() as AddressInfo).port, { token: 'wrong' });
      const started = performance.now();
      await expect(sink.write(events('denied', 0, 1))).rejects.toThrow(
        /refused the connection: HTTP 401.*token/,
      );
      expect(performance.now() - started).toBeLessThan(5000);
      await expect(sink.write(events('denied', 1, 1))).rejects.toThrow(/HTTP 401/);
    } finally {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    }
  });
});
