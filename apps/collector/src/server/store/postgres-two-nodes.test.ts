// Many nodes, with real processes: two `causelane serve` share one PostgreSQL and one redis-server. A
// run streamed to node A is listed on node B, a viewer on B gets the complete history and then the
// live events (no gap; repeats of held seqs dropped), and after kill -9 of the node an agent streams
// to, the SDK reconnects through the same URL (a loopback TCP balancer) and every event is stored once.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeRun } from '@causelane/analysis/testing';
import { SocketIoSink } from '@causelane/sdk/socketio';
import {
  INGEST_NAMESPACE,
  readTraceText,
  type TraceEvent,
  UI_NAMESPACE,
  type WatchAck,
} from '@causelane/trace-schema';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, freePort, spawnCollector } from '../../testing/collector-process.ts';
import {
  findPostgresBin,
  type PostgresServer,
  postgresRequired,
  startPostgres,
} from '../../testing/postgres-server.ts';
import { haveRedis, type RedisServer, startRedis } from '../../testing/redis-server.ts';
import { startTcpBalancer, type TcpBalancer } from '../../testing/tcp-balancer.ts';
import { connected } from '../../testing/test-collector.ts';

const available = (findPostgresBin() !== null && haveRedis()) || postgresRequired();
if (!available)
  console.warn('skipping the two-node PostgreSQL tests: postgresql or redis-server is not installed');

const portOf = (url: string) => Number(new URL(url).port);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!available)('two collectors on one PostgreSQL and one Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'causelane-2nodes-'));
  let pg: PostgresServer;
  let redis: RedisServer;
  const nodes: CollectorProcess[] = [];
  const sockets: Socket[] = [];
  let balancer: TcpBalancer | null = null;
  let db = '';

  beforeAll(async () => {
    pg = await startPostgres({ fast: true });
    redis = await startRedis(await freePort());
    db = await pg.createDatabase('two_nodes');
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await balancer?.close();
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await redis?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const startNodes = async () => {
    // Started one after the other and at once: migrations are serialised by an advisory lock.
    // Node A is given the URL with --db, node B through CAUSELANE_DB.
    const pair = await Promise.all([
      spawnCollector(['--port', '0', '--db', db, '--redis', redis.url], { startTimeoutMs: 60_000 }),
      spawnCollector(['--port', '0', '--redis', redis.url], {
        env: { CAUSELANE_DB: db },
        startTimeoutMs: 60_000,
      }),
    ]);
    expect(pair[1]!.output()).toContain(`database ${db}`);
    nodes.push(...pair);
    return pair as [CollectorProcess, CollectorProcess];
  };

  it('lists on node B a run streamed to node A, and a viewer on B gets history then live with no gap', async () => {
    const [a, b] = await startNodes();
    const events = synthesizeRun({ run: 'across', seed: 3, turns: 80, maxCalls: 3 });
    const agent = await connected(
      io(`${a.url}${INGEST_NAMESPACE}`, { transports: ['websocket'], reconnection: false }),
    );
    sockets.push(agent);
    let acked = 0;
    const streaming = (async () => {
      for (let i = 0; i < events.length; i += 6) {
        const ack = await agent
          .timeout(5000)
          .emitWithAck('events', { batch: i, events: events.slice(i, i + 6) });
        expect(ack).toMatchObject({ ok: true });
        acked += Math.min(6, events.length - i);
        await sleep(3);
      }
    })();
    await expect
      .poll(() => acked, { timeout: 10_000, interval: 2 })
      .toBeGreaterThanOrEqual(events.length / 3);

    // The join: subscribe (the handler is on before the watch), read the history, drop held seqs.
    const viewer = await connected(
      io(`${b.url}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false }),
    );
    sockets.push(viewer);
    const held = new Map<number, TraceEvent>();
    let history: TraceEvent[] | null = null;
    const early: TraceEvent[] = [];
    let repeats = 0;
    const take = (e: TraceEvent) => {
      const kept = held.get(e.seq);
      if (kept) {
        expect(kept).toEqual(e);
        repeats++;
      } else held.set(e.seq, e);
    };
    viewer.on('run:events', (m: { run: string; events: TraceEvent[] }) => {
      if (m.run !== 'across') return;
      if (history === null) early.push(...m.events);
      else for (const e of m.events) take(e);
    });
    const ack = (await viewer.timeout(5000).emitWithAck('run:watch', { run: 'across' })) as WatchAck;
    expect(ack.ok).toBe(true);
    history = ack.ok ? ack.events : [];
    for (const e of history) take(e);
    for (const e of early) take(e);
    // The history is a consistent snapshot: a prefix of the run, taken mid-stream.
    expect(history.length).toBeGreaterThan(0);
    expect(history.length).toBeLessThan(events.length);
    expect(history).toEqual(events.slice(0, history.length));

    await streaming;
    await expect.poll(() => held.size, { timeout: 10_000 }).toBe(events.length);
    const merged = [...held.values()].sort((x, y) => x.seq - y.seq);
    expect(merged).toEqual(events);
    // Repeats can only be the few events committed between the join and the history read.
    expect(repeats).toBeLessThan(events.length / 4);

    const listed = (await (await fetch(`${b.url}/api/runs`)).json()) as {
      runs: { id: string; events: number }[];
    };
    expect(listed.runs.find((r) => r.id === 'across')?.events).toBe(events.length);
    const onB = readTraceText(await (await fetch(`${b.url}/api/runs/across/events`)).text());
    expect(onB.runs.get('across')).toEqual(events);
  }, 150_000);

  it('keeps every acked event exactly once when the node an agent streams to is killed -9 mid-run', async () => {
    const [a, b] =
      nodes.length >= 2 ? (nodes.slice(0, 2) as [CollectorProcess, CollectorProcess]) : await startNodes();
    const alive = () => [a, b].filter((n) => n.child.exitCode === null && n.child.signalCode === null);
    balancer = await startTcpBalancer(() => alive().map((n) => portOf(n.url)));
    const events = synthesizeRun({ run: 'failover', seed: 11, turns: 150, maxCalls: 4 });
    const ownFile = join(dir, 'sdk-own.jsonl');
    const sink = new SocketIoSink({ url: balancer.url, ackTimeoutMs: 1000, closeTimeoutMs: 30_000 });
    const BATCH = 8;
    let acked = 0;
    const streaming = (async () => {
      for (let i = 0; i < events.length; i += BATCH) {
        const batch = events.slice(i, i + BATCH);
        appendFileSync(ownFile, batch.map((e) => `${JSON.stringify(e)}\n`).join(''));
        await sink.write(batch);
        acked++;
        await sleep(2);
      }
      await sink.close();
    })();
    await expect.poll(() => acked, { timeout: 15_000, interval: 5 }).toBeGreaterThanOrEqual(20);
    expect(balancer.connections.get(portOf(a.url))).toBeGreaterThanOrEqual(1);
    await a.stop('SIGKILL');
    const ackedAtKill = acked;
    await streaming;
    expect(acked).toBe(Math.ceil(events.length / BATCH));
    expect(acked).toBeGreaterThan(ackedAtKill);
    expect(balancer.connections.get(portOf(b.url))).toBeGreaterThanOrEqual(1);

    const stored = readTraceText(await (await fetch(`${b.url}/api/runs/failover/events`)).text());
    expect(stored.errors).toEqual([]);
    expect(stored.duplicates).toBe(0);
    expect(stored.runs.get('failover')).toHaveLength(events.length);
    expect(stored.runs.get('failover')).toEqual(
      readTraceText(readFileSync(ownFile, 'utf8')).runs.get('failover'),
    );
    const listed = (await (await fetch(`${b.url}/api/runs`)).json()) as {
      runs: { id: string; events: number }[];
    };
    expect(listed.runs.find((r) => r.id === 'failover')?.events).toBe(events.length);
  }, 150_000);
});
