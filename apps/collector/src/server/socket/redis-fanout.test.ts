// Two collector processes share live fan-out through a real redis-server and socket.io's Redis
// Streams adapter: an event ingested on node A reaches a browser connected to node B.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INGEST_NAMESPACE,
  type RunChangedMessage,
  type TraceEvent,
  UI_NAMESPACE,
} from '@causelane/trace-schema';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, freePort, spawnCollector } from '../../testing/collector-process.ts';
import { connected, sampleRun } from '../../testing/test-collector.ts';

const REDIS = '/usr/bin/redis-server';
const haveRedis = existsSync(REDIS);
if (!haveRedis)
  console.warn(`skipping the Redis fan-out test: ${REDIS} is missing (apt-get install redis-server)`);

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
  });
  return child;
}

describe.skipIf(!haveRedis)('live fan-out across collectors through Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'causelane-redis-'));
  const nodes: CollectorProcess[] = [];
  const sockets: Socket[] = [];
  let redis: ChildProcess | null = null;
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
    redis?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers an event ingested on node A to a browser on node B', async () => {
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const [a, b] = await Promise.all(
      ['a', 'b'].map((n) =>
        spawnCollector(['--port', '0', '--db', join(dir, `${n}.db`), '--redis', redisUrl]),
      ),
    );
    nodes.push(a!, b!);

    const browser = await connected(
      io(`${b!.url}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false }),
    );
    sockets.push(browser);
    const live: TraceEvent[] = [];
    const changes: RunChangedMessage[] = [];
    browser.on('run:events', (m: { events: TraceEvent[] }) => live.push(...m.events));
    browser.on('runs:changed', (m: RunChangedMessage) => changes.push(m));
    const watched = await browser.timeout(5000).emitWithAck('run:watch', { run: 'across' });
    expect(watched).toEqual({ ok: true, run: 'across', events: [] });

    const agent = await connected(
      io(`${a!.url}${INGEST_NAMESPACE}`, { transports: ['websocket'], reconnection: false }),
    );
    sockets.push(agent);
    const events = sampleRun('across');
    const ack = await agent.timeout(5000).emitWithAck('events', { batch: 1, events });
    expect(ack).toMatchObject({ ok: true, stored: events.length });

    await expect.poll(() => live.length, { timeout: 10_000 }).toBe(events.length);
    expect(live).toEqual(events);
    await expect.poll(() => changes.some((m) => m.run === 'across' && m.change === 'created')).toBe(true);
  }, 60_000);
});
