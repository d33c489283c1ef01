// Storage benchmark (`pnpm --filter @causelane/collector bench:storage`, not a test): 4 SDK agents
// (the real SocketIoSink) stream to `causelane serve` processes backed by SQLite and by PostgreSQL,
// with 1 and 2 nodes (2 nodes share the store and a redis-server), all in the same run on the same
// machine. Reports ingest events/s and ack latency p50/p99 per batch; then lists 200k one-event runs
// from each store. PostgreSQL and Redis are throwaway servers from Debian's packages (fsync on).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeRun } from '@causelane/analysis/testing';
import { SocketIoSink } from '@causelane/sdk/socketio';
import type { TraceEvent } from '@causelane/trace-schema';
import { openEventStore } from '../src/server/store/open-event-store.ts';
import { type CollectorProcess, freePort, spawnCollector } from '../src/testing/collector-process.ts';
import { startPostgres } from '../src/testing/postgres-server.ts';
import { startRedis } from '../src/testing/redis-server.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const AGENTS = arg('agents', 4);
const EVENTS_PER_AGENT = arg('events', 20_000);
const BATCH = arg('batch', 100);
const LIST_RUNS = arg('runs', 200_000);
const ROUNDS = arg('rounds', 3);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function makeRun(run: string, n: number, seed: number): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (let part = 0; out.length < n; part++) {
    for (const e of synthesizeRun({ run, seed: seed * 1000 + part, turns: 200, maxCalls: 4 })) {
      if (out.length === n) break;
      out.push({ ...e, seq: out.length });
    }
  }
  return out;
}

interface Result {
  store: string;
  nodes: number;
  eventsPerSecond: number;
  ackP50: number;
  ackP99: number;
  ackMax: number;
  stored: number;
  /** events/s of every round (the row is the median one). */
  all?: number[];
}

/** Each agent writes one batch at a time and waits for its ack, so every sample is one batch's ack. */
async function streamAgents(store: string, urls: string[]): Promise<Result> {
  const tag = `${store}-${urls.length}-${Date.now()}`;
  const runs = Array.from({ length: AGENTS }, (_, i) => `bench-${tag}-${i}`);
  const data = runs.map((r, i) => makeRun(r, EVENTS_PER_AGENT, i + 1));
  const sinks = runs.map((_, i) => new SocketIoSink({ url: urls[i % urls.length]!, ackTimeoutMs: 30_000 }));
  const acks: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    data.map(async (events, i) => {
      for (let j = 0; j < events.length; j += BATCH) {
        const start = performance.now();
        await sinks[i]!.write(events.slice(j, j + BATCH));
        acks.push(performance.now() - start);
      }
      await sinks[i]!.close();
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  let stored = 0;
  for (const run of runs) {
    const res = await fetch(`${urls[0]}/api/runs/${encodeURIComponent(run)}`);
    stored += ((await res.json()) as { events: number }).events;
  }
  acks.sort((a, b) => a - b);
  return {
    store,
    nodes: urls.length,
    eventsPerSecond: Math.round((AGENTS * EVENTS_PER_AGENT) / seconds),
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
    ackMax: acks[acks.length - 1]!,
    stored,
  };
}

async function withNodes<T>(args: string[][], fn: (urls: string[]) => Promise<T>): Promise<T> {
  const nodes: CollectorProcess[] = [];
  try {
    for (const a of args) nodes.push(await spawnCollector(['--port', '0', ...a], { startTimeoutMs: 60_000 }));
    return await fn(nodes.map((n) => n.url));
  } finally {
    await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
  }
}

/** Inserts `n` one-event runs, then times the first run-list page and paging through 5,000 runs. */
async function listBench(
  db: string,
  n: number,
): Promise<{ insertS: number; firstMs: number; pageMs: number }> {
  const store = await openEventStore(db);
  try {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 2000) {
      const events: TraceEvent[] = [];
      for (let j = i; j < Math.min(n, i + 2000); j++)
        events.push({
          v: 1,
          run: `one-${j}`,
          seq: 0,
          t: j,
          type: 'run.start',
          agent: 'bench',
          mode: 'causal',
        });
      await store.insert(
        events,
        events.map((e) => JSON.stringify(e)),
      );
    }
    await store.summariesIdle();
    const insertS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    let page = await store.listRuns({ limit: 100 });
    const firstMs = performance.now() - t1;
    const t2 = performance.now();
    for (let k = 0; k < 50 && page.next; k++) page = await store.listRuns({ limit: 100, cursor: page.next });
    const pageMs = (performance.now() - t2) / 50;
    return { insertS, firstMs, pageMs };
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'causelane-storage-bench-'));
const pg = await startPostgres();
const redis = await startRedis(await freePort());
const results: Result[] = [];
try {
  const sqliteFile = (name: string) => join(dir, `${name}.db`);
  const pgDb = async (name: string) => pg.createDatabase(name);
  // Configurations take turns, ROUNDS times, so that a burst of load on the machine falls on all of
  // them alike; the table gives each configuration's median round (by events/s).
  const configs: { store: string; args: (round: number) => Promise<string[][]> }[] = [
    { store: 'sqlite', args: async (r) => [['--db', sqliteFile(`one-${r}`)]] },
    {
      store: 'sqlite',
      args: async (r) => [0, 1].map(() => ['--db', sqliteFile(`shared-${r}`), '--redis', redis.url]),
    },
    { store: 'postgres', args: async (r) => [['--db', await pgDb(`bench_one_${r}`)]] },
    {
      store: 'postgres',
      args: async (r) => {
        const db = await pgDb(`bench_two_${r}`);
        return [0, 1].map(() => ['--db', db, '--redis', redis.url]);
      },
    },
  ];
  const rounds: Result[][] = configs.map(() => []);
  for (let round = 0; round < ROUNDS; round++)
    for (const [k, cfg] of configs.entries())
      rounds[k]!.push(await withNodes(await cfg.args(round), (u) => streamAgents(cfg.store, u)));
  for (const list of rounds) {
    const sorted = [...list].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
    results.push({ ...sorted[Math.floor(sorted.length / 2)]!, all: list.map((r) => r.eventsPerSecond) });
  }
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    `\n${AGENTS} agents x ${EVENTS_PER_AGENT} events, batches of ${BATCH}, one write in flight per agent (acks after commit)`,
  );
  console.log(`median of ${ROUNDS} interleaved rounds; every round's events/s in the last column`);
  console.log('store     nodes  events/s   ack p50   ack p99   ack max   stored  rounds');
  for (const r of results)
    console.log(
      `${r.store.padEnd(9)} ${String(r.nodes).padStart(5)} ${String(r.eventsPerSecond).padStart(9)} ${fmt(r.ackP50).padStart(9)} ${fmt(r.ackP99).padStart(9)} ${fmt(r.ackMax).padStart(9)} ${String(r.stored).padStart(8)}  ${(r.all ?? []).join(' / ')}`,
    );
  console.log(`\nrun list with ${LIST_RUNS} one-event runs (store in-process, pages of 100)`);
  console.log('store     insert     first page   next page (avg of 50)');
  for (const [name, db] of [
    ['sqlite', sqliteFile('list')],
    ['postgres', await pgDb('bench_list')],
  ] as const) {
    const r = await listBench(db, LIST_RUNS);
    console.log(
      `${name.padEnd(9)} ${`${r.insertS.toFixed(1)} s`.padStart(7)} ${fmt(r.firstMs).padStart(12)} ${fmt(r.pageMs).padStart(12)}`,
    );
  }
} finally {
  await redis.stop();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
