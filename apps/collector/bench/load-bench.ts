// Load benchmark (`pnpm bench`, not a test): N SDK sinks stream to one collector process while M
// browser clients watch every run, all on loopback. Reports sustained events/s and SDK-emit to
// browser-receive latency (p50/p99) at a fixed 10k events/s, next to a raw `ws` echo baseline
// measured in the same run on the same machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesizeRun } from '@causelane/analysis/testing';
import { SocketIoSink } from '@causelane/sdk/socketio';
import { type TraceEvent, UI_NAMESPACE } from '@causelane/trace-schema';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { spawnCollector } from '../src/testing/collector-process.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLIENTS = arg('clients', 4);
const SUBSCRIBERS = arg('subscribers', 1);
const EVENTS_PER_CLIENT = arg('events', 100_000);
const BATCH = arg('batch', 500);
const IN_FLIGHT = 4;
const RATE = 10_000;
const LATENCY_SECONDS = arg('seconds', 5);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

async function watchAll(
  url: string,
  runs: string[],
  onEvents: (events: TraceEvent[]) => void,
): Promise<Socket> {
  const s = io(`${url}${UI_NAMESPACE}`, { transports: ['websocket'] });
  s.on('run:events', (m: { events: TraceEvent[] }) => onEvents(m.events));
  for (const run of runs) await s.timeout(10_000).emitWithAck('run:watch', { run });
  return s;
}

/** Streams every client's run as fast as acks allow; resolves when the subscribers have it all. */
async function collectorThroughput(url: string): Promise<number> {
  const runs = Array.from({ length: CLIENTS }, (_, i) => `load-${i}-${Date.now()}`);
  const data = runs.map((r, i) => makeRun(r, EVENTS_PER_CLIENT, i + 1));
  const total = CLIENTS * EVENTS_PER_CLIENT;
  let received = 0;
  let done: () => void = () => {};
  const allReceived = new Promise<void>((r) => {
    done = r;
  });
  const subs = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, () =>
      watchAll(url, runs, (evs) => {
        received += evs.length;
        if (received === total * SUBSCRIBERS) done();
      }),
    ),
  );
  const sinks = runs.map(() => new SocketIoSink({ url, maxBufferedEvents: BATCH * IN_FLIGHT * 2 }));
  const t0 = performance.now();
  await Promise.all(
    data.map(async (events, i) => {
      const sink = sinks[i]!;
      const inFlight = new Set<Promise<unknown>>();
      for (let j = 0; j < events.length; j += BATCH) {
        const p = sink.write(events.slice(j, j + BATCH)).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      }
      await sink.flush();
    }),
  );
  await allReceived;
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(sinks.map((s) => s.close()));
  for (const s of subs) s.disconnect();
  return total / seconds;
}

/** One sink at a steady 10k events/s; latency from sink.write() to a subscriber's receive. */
async function collectorLatency(url: string): Promise<number[]> {
  const run = `latency-${Date.now()}`;
  const latencies: number[] = [];
  const sub = await watchAll(url, [run], (evs) => {
    const t = now();
    for (const e of evs) latencies.push(t - e.t);
  });
  const sink = new SocketIoSink({ url });
  const events = makeRun(run, RATE * LATENCY_SECONDS, 99);
  await paced(events, async (batch) => {
    const t = now();
    for (const e of batch) e.t = t;
    await sink.write(batch);
  });
  await sink.close();
  await sleep(200);
  sub.disconnect();
  return latencies;
}

/** Sends `events` in 10 ms ticks at RATE events/s, not waiting for one tick's write before the next. */
async function paced(events: TraceEvent[], send: (batch: TraceEvent[]) => Promise<void>): Promise<void> {
  const perTick = RATE / 100;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0, tick = 0; i < events.length; i += perTick, tick++) {
    const wait = start + tick * 10 - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(events.slice(i, i + perTick)));
  }
  await Promise.all(pending);
}

async function startEcho(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./ws-echo-server.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /listening on (\S+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** The same batches through a raw ws echo: JSON out, JSON back, no storage or fan-out. */
async function echoThroughput(url: string): Promise<number> {
  const data = Array.from({ length: CLIENTS }, (_, i) => makeRun(`echo-${i}`, EVENTS_PER_CLIENT, i + 1));
  const t0 = performance.now();
  await Promise.all(
    data.map(async (events) => {
      const ws = new WebSocket(url);
      await new Promise((r) => ws.once('open', r));
      let next = 0;
      let acked = 0;
      const batches = Math.ceil(events.length / BATCH);
      await new Promise<void>((resolve) => {
        const sendOne = () => {
          if (next >= batches) return;
          ws.send(JSON.stringify({ batch: next, events: events.slice(next * BATCH, (next + 1) * BATCH) }));
          next++;
        };
        ws.on('message', (raw) => {
          JSON.parse(raw.toString());
          if (++acked === batches) resolve();
          else sendOne();
        });
        for (let k = 0; k < IN_FLIGHT; k++) sendOne();
      });
      ws.close();
    }),
  );
  return (CLIENTS * EVENTS_PER_CLIENT) / ((performance.now() - t0) / 1000);
}

async function echoLatency(url: string): Promise<number[]> {
  const ws = new WebSocket(url);
  await new Promise((r) => ws.once('open', r));
  const latencies: number[] = [];
  ws.on('message', (raw) => {
    const t = now();
    for (const e of (JSON.parse(raw.toString()) as { events: TraceEvent[] }).events) latencies.push(t - e.t);
  });
  const events = makeRun('echo-latency', RATE * LATENCY_SECONDS, 99);
  await paced(events, async (batch) => {
    const t = now();
    for (const e of batch) e.t = t;
    ws.send(JSON.stringify({ batch: 0, events: batch }));
  });
  await sleep(200);
  ws.close();
  return latencies;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(2)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'causelane-bench-'));
const collector = await spawnCollector(['--port', '0', '--db', join(dir, 'bench.db')]);
const echo = await startEcho();
try {
  console.log(
    `load bench: ${CLIENTS} SDK clients x ${fmt(EVENTS_PER_CLIENT)} events, ${SUBSCRIBERS} subscriber(s), batches of ${BATCH}`,
  );
  const echoRate = await echoThroughput(echo.url);
  const rate = await collectorThroughput(collector.url);
  const echoLat = (await echoLatency(echo.url)).sort((a, b) => a - b);
  const lat = (await collectorLatency(collector.url)).sort((a, b) => a - b);
  console.log('');
  console.log('| measure | collector | raw ws echo | ratio |');
  console.log('|---|---|---|---|');
  console.log(
    `| sustained events/s (ingest + store + fan-out) | ${fmt(rate)} | ${fmt(echoRate)} | ${(rate / echoRate).toFixed(2)} |`,
  );
  console.log(
    `| latency p50 at ${fmt(RATE)} events/s | ${ms(percentile(lat, 50))} | ${ms(percentile(echoLat, 50))} | ${(percentile(lat, 50) / percentile(echoLat, 50)).toFixed(1)}x |`,
  );
  console.log(
    `| latency p99 at ${fmt(RATE)} events/s | ${ms(percentile(lat, 99))} | ${ms(percentile(echoLat, 99))} | ${(percentile(lat, 99) / percentile(echoLat, 99)).toFixed(1)}x |`,
  );
  console.log('');
  console.log(
    `goals: >= 100,000 events/s with 1 subscriber: ${rate >= 100_000 ? 'met' : 'NOT met'}; p99 <= 50 ms at 10k events/s: ${percentile(lat, 99) <= 50 ? 'met' : 'NOT met'}`,
  );
  console.log(`(latency samples: collector ${lat.length}, echo ${echoLat.length})`);
} finally {
  echo.stop();
  await collector.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
