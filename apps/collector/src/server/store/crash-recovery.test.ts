// Reliability end to end: an SDK sink streams a run while the collector process is killed with
// SIGKILL and restarted on the same SQLite file. Afterwards the stored trace equals the file the
// SDK side wrote itself: nothing lost (acks come only after commit) and nothing duplicated (dedup).
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeRun } from '@causelane/analysis/testing';
import { SocketIoSink } from '@causelane/sdk/socketio';
import { readTraceText, type TraceEvent } from '@causelane/trace-schema';
import { afterAll, expect, it } from 'vitest';
import { type CollectorProcess, freePort, spawnCollector } from '../../testing/collector-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-crash-'));
const running: CollectorProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

it('loses and duplicates nothing when the collector is killed -9 mid-run and restarted', async () => {
  const port = await freePort();
  const db = join(dir, 'causelane.db');
  const args = ['--port', String(port), '--db', db];
  const first = await spawnCollector(args);
  running.push(first);

  const events: TraceEvent[] = synthesizeRun({ run: 'crash-run', seed: 7, turns: 120, maxCalls: 4 });
  const ownFile = join(dir, 'sdk-own.jsonl');
  const sink = new SocketIoSink({ url: first.url, ackTimeoutMs: 1000 });
  const BATCH = 8;
  let acked = 0;
  const streaming = (async () => {
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      appendFileSync(ownFile, batch.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await sink.write(batch);
      acked++;
      await new Promise((r) => setTimeout(r, 2));
    }
    await sink.close();
  })();

  await expect.poll(() => acked, { timeout: 15_000, interval: 5 }).toBeGreaterThanOrEqual(20);
  await first.stop('SIGKILL');
  const ackedAtKill = acked;
  await new Promise((r) => setTimeout(r, 300));
  expect(acked).toBe(ackedAtKill);
  const second = await spawnCollector(args);
  running.push(second);
  await streaming;
  expect(acked).toBe(Math.ceil(events.length / BATCH));

  const stored = readTraceText(await (await fetch(`${second.url}/api/runs/crash-run/events`)).text());
  const own = readTraceText(readFileSync(ownFile, 'utf8'));
  expect(stored.errors).toEqual([]);
  expect(stored.duplicates).toBe(0);
  expect(stored.runs.get('crash-run')).toHaveLength(events.length);
  expect(stored.runs.get('crash-run')).toEqual(own.runs.get('crash-run'));
  const listed = (await (await fetch(`${second.url}/api/runs`)).json()) as {
    runs: { id: string; events: number }[];
  };
  expect(listed.runs.find((r) => r.id === 'crash-run')?.events).toBe(events.length);
}, 60_000);
