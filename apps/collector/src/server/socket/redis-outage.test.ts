// Redis trouble, with a real redis-server: start-up gives up with a clear error when nothing
// answers, and across a Redis kill and restart a viewer on the other node gets every event it
// missed, from the store by seq, once each, while storage never stopped.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INGEST_NAMESPACE, type TraceEvent, UI_NAMESPACE } from '@causelane/trace-schema';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, freePort, spawnCollector } from '../../testing/collector-process.ts';
import { connected } from '../../testing/test-collector.ts';
import { startCollector } from '../collector.ts';

const REDIS = '/usr/bin/redis-server';
const haveRedis = existsSync(REDIS);

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
  });
}

const stream = (run: string, from: number, n: number): TraceEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    v: 1,
    run,
    seq: from + i,
    t: 1 + from + i,
    type: 'llm.request',
    turn: from + i + 1,
  }));

const dir = mkdtempSync(join(tmpdir(), 'causelane-redis-outage-'));
const nodes: CollectorProcess[] = [];
const sockets: Socket[] = [];
let redis: ChildProcess | null = null;
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
  redis?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('redis at start-up', () => {
  it('fails with a clear error after a bounded wait when nothing listens on the Redis port', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(
      startCollector({
        db: join(dir, 'unreachable.db'),
        port: 0,
        redis: `redis://127.0.0.1:${port}`,
        redisConnectWaitMs: 1000,
        scenarioSdk: null,
        log: { info: () => {}, error: () => {} },
      }),
    ).rejects.toThrow(
      new RegExp(
        `^cannot connect to redis at redis://127\\.0\\.0\\.1:${port}: no answer within 1000 ms \\(.*ECONNREFUSED`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe.skipIf(!haveRedis)('a Redis outage between two collectors on one database', () => {
  it('tops a viewer on the other node up from the store by seq once Redis is back', async () => {
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
    const db = join(dir, 'shared.db');
    const args = ['--port', '0', '--db', db, '--redis', `redis://127.0.0.1:${redisPort}`];
    const [a, b] = await Promise.all([spawnCollector(args), spawnCollector(args)]);
    nodes.push(a!, b!);

    const viewer = await connected(
      io(`${b!.url}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false }),
    );
    sockets.push(viewer);
    const seen: number[] = [];
    viewer.on('run:events', (m: { run: string; events: TraceEvent[] }) => {
      if (m.run === 'outage') for (const e of m.events) seen.push(e.seq);
    });
    expect(await viewer.timeout(5000).emitWithAck('run:watch', { run: 'outage' })).toEqual({
      ok: true,
      run: 'outage',
      events: [],
    });

    const agent = await connected(
      io(`${a!.url}${INGEST_NAMESPACE}`, { transports: ['websocket'], reconnection: false }),
    );
    sockets.push(agent);
    const ingest = (from: number, n: number) =>
      agent.timeout(5000).emitWithAck('events', { batch: from, events: stream('outage', from, n) });
    expect(await ingest(0, 10)).toMatchObject({ ok: true, stored: 10 });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(10);

    // Redis goes away: node A still stores (and acks) what its agent sends; the fan-out is dropped.
    redis.kill('SIGKILL');
    await new Promise((r) => redis!.once('exit', r));
    for (let i = 10; i < 30; i += 5) expect(await ingest(i, 5)).toMatchObject({ ok: true, stored: 5 });
    expect(seen.length).toBe(10);

    redis = await startRedis(redisPort);
    await expect.poll(() => seen.length, { timeout: 20_000, interval: 100 }).toBe(30);
    // Live again after the outage.
    expect(await ingest(30, 5)).toMatchObject({ ok: true, stored: 5 });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(35);
    await new Promise((r) => setTimeout(r, 3500));
    expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 35 }, (_, i) => i));
  }, 90_000);
});
