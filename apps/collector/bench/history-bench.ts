// History benchmark (issue 11, not a test): a 1M-event run is stored, then a `causelane serve`
// process is started on it and 4 viewers join that run at once, each taking its whole history
// (`run:watch`). Meanwhile an agent streams small batches and /healthz is polled. Prints the
// /healthz and agent-ack latencies (p50/p99/max) against the goals (p99 < 100 ms and < 50 ms).
// Viewers run in a child process, so their own parsing never delays this process's timers.
//   pnpm --filter @causelane/collector exec tsx bench/history-bench.ts [--events 1000000] [--viewers 4]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INGEST_NAMESPACE, type TraceEvent, UI_NAMESPACE } from '@causelane/trace-schema';
import { io } from 'socket.io-client';
import { openEventStore } from '../src/server/store/open-event-store.ts';
import { spawnCollector } from '../src/testing/collector-process.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('events', 1_000_000);
const VIEWERS = arg('viewers', 4);
const RUN = 'big-history';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

function event(run: string, seq: number): TraceEvent {
  if (seq % 4 === 0)
    return { v: 1, run, seq, t: 1_760_000_000_000 + seq, type: 'llm.request', turn: seq / 4 + 1 };
  const turn = Math.floor(seq / 4) + 1;
  const call = `c${turn}`;
  if (seq % 4 === 1)
    return {
      v: 1,
      run,
      seq,
      t: 1_760_000_000_000 + seq,
      type: 'llm.response',
      turn,
      calls: [{ id: call, name: 'lookup', args: { q: `item ${seq}` } }],
    };
  if (seq % 4 === 2) return { v: 1, run, seq, t: 1_760_000_000_000 + seq, type: 'tool.start', turn, call };
  return {
    v: 1,
    run,
    seq,
    t: 1_760_000_000_000 + seq,
    type: 'tool.end',
    turn,
    call,
    ok: true,
    result: { rows: 3 },
  };
}

/** Child role: VIEWERS sockets watch the run; prints when each holds every event. */
async function viewers(url: string): Promise<void> {
  const done = await Promise.all(
    Array.from({ length: VIEWERS }, async () => {
      const s = io(`${url}${UI_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
      await new Promise<void>((r) => s.once('connect', () => r()));
      let n = 0;
      const all = new Promise<void>((resolve) => {
        s.on('run:events', (m: { run: string; events: unknown[] }) => {
          if (m.run !== RUN) return;
          n += m.events.length;
          if (n >= EVENTS) resolve();
        });
      });
      const started = performance.now();
      const ack = (await s.timeout(600_000).emitWithAck('run:watch', { run: RUN })) as {
        ok: boolean;
        events: unknown[];
      };
      n += ack.events.length;
      if (n < EVENTS) await all;
      s.disconnect();
      return performance.now() - started;
    }),
  );
  process.stdout.write(`${JSON.stringify(done)}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'causelane-history-bench-'));
  const db = join(dir, 'bench.db');
  try {
    let t = performance.now();
    const store = await openEventStore(db, { log: { info: () => {}, error: () => {} } });
    for (let from = 0; from < EVENTS; from += 5000) {
      const events = Array.from({ length: Math.min(5000, EVENTS - from) }, (_, i) => event(RUN, from + i));
      await store.insert(
        events,
        events.map((e) => JSON.stringify(e)),
      );
    }
    await store.summariesIdle();
    await store.close();
    console.log(`stored ${EVENTS} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const node = await spawnCollector(['--port', '0', '--db', db], { startTimeoutMs: 120_000 });
    try {
      const agent = io(`${node.url}${INGEST_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
      await new Promise<void>((r) => agent.once('connect', () => r()));
      const acks: number[] = [];
      const health: number[] = [];
      let stop = false;
      const agentLoop = (async () => {
        for (let b = 0; !stop; b++) {
          const events = Array.from({ length: 10 }, (_, i) => event('live-agent', b * 10 + i));
          const s = performance.now();
          await agent.timeout(30_000).emitWithAck('events', { batch: b, events });
          acks.push(performance.now() - s);
          await sleep(20);
        }
      })();
      const healthLoop = (async () => {
        while (!stop) {
          const s = performance.now();
          await (await fetch(`${node.url}/healthz`)).text();
          health.push(performance.now() - s);
          await sleep(20);
        }
      })();
      // The same figures with no viewer, for this machine at this moment.
      await sleep(3000);
      const baseAcks = acks.length;
      const baseHealth = health.length;
      console.log(`no viewers: /healthz ${fmt(health.slice(5))}; agent ack ${fmt(acks.slice(5))}`);
      t = performance.now();
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(import.meta.url),
          '--viewers-of',
          node.url,
          '--events',
          String(EVENTS),
          '--viewers',
          String(VIEWERS),
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => child.once('exit', r));
      const joinMs = (JSON.parse(out.trim() || '[]') as number[]).map((x) => x.toFixed(0));
      stop = true;
      await Promise.all([agentLoop, healthLoop]);
      agent.disconnect();
      console.log(
        `${VIEWERS} viewers took the whole ${EVENTS}-event history in ${joinMs.join(', ')} ms (wall ${((performance.now() - t) / 1000).toFixed(1)} s)`,
      );
      const h = health.slice(baseHealth);
      const a = acks.slice(baseAcks);
      console.log(
        `while they joined: /healthz ${fmt(h)}  [goal p99 < 100 ms: ${pct(h, 99) < 100 ? 'met' : 'MISSED'}]`,
      );
      console.log(
        `while they joined: agent ack ${fmt(a)}  [goal p99 < 50 ms: ${pct(a, 99) < 50 ? 'met' : 'MISSED'}]`,
      );
    } finally {
      await node.stop('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const viewersOf = process.argv.indexOf('--viewers-of');
if (viewersOf > 0) await viewers(process.argv[viewersOf + 1]!);
else await main();
