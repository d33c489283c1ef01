// `pnpm bench:live` (issue 15.5): one 100k-event run streamed to the collector at 10k events/s while
// the web app follows it live in headless Chromium. Reports CPU time per event of the collector
// process and of the web app's worker thread (from /proc), with the collector's in-memory
// incremental analysis and the app's incremental live path, against the baseline in the same round:
// the collector with CAUSELANE_ANALYSIS_CACHE_EVENTS=0 (every analysis reads and analyzes the whole
// run) and the app built with the old live path (apps/web/bench/baseline.vite.config.ts: the whole run
// sorted, rebuilt and analyzed on every flush), served through page.route. Linux only (reads /proc).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { analyzeEvents } from '@causelane/analysis';
import { FAULT_ANOMALY, type FaultType, synthesizeRun } from '@causelane/analysis/testing';
import { spawnCollector } from '@causelane/collector/testing';
import type { TraceEvent } from '@causelane/trace-schema';
import { chromium } from '@playwright/test';
import { buildWeb, CHROMIUM, REPO_ROOT } from '../collector-process.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const RATE = 10_000;
const TICK_MS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const TICK = 1000 / 100; // /proc times are in clock ticks of 10 ms

function liveRun(run: string): TraceEvent[] {
  const kinds = Object.keys(FAULT_ANOMALY) as FaultType[];
  const faults = Array.from({ length: 5 }, () => kinds).flat();
  return synthesizeRun({ run, seed: 15, turns: Math.ceil(EVENTS / 11), maxCalls: 6, keys: 4, faults })
    .slice(0, EVENTS)
    .map((e) => ({ ...e, t: Date.now() + e.seq }));
}

/** CPU ms of a process or thread (`/proc/<pid>[/task/<tid>]/stat`: utime + stime). */
function cpuMs(statPath: string): number {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK;
  } catch {
    return 0;
  }
}

/** Parent pid of a process, or 0. */
function parentOf(pid: string): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '0';
  } catch {
    return '0';
  }
}

/** CPU ms of this bench's Chromium (its descendants only): dedicated worker threads and renderers. */
function browserCpu(): { worker: number; renderer: number } {
  let worker = 0;
  let renderer = 0;
  const self = String(process.pid);
  const ours = (pid: string) => {
    for (let p = parentOf(pid), hops = 0; p !== '0' && hops < 8; p = parentOf(p), hops++)
      if (p === self) return true;
    return false;
  };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes('--type=renderer') || !ours(pid)) continue;
    renderer += cpuMs(`/proc/${pid}/stat`);
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8');
      if (/DedicatedWorker/i.test(comm)) worker += cpuMs(`/proc/${pid}/task/${tid}/stat`);
    }
  }
  return { worker, renderer };
}

async function post(url: string, events: TraceEvent[]): Promise<void> {
  const res = await fetch(`${url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: `${events.map((e) => JSON.stringify(e)).join('\n')}\n`,
  });
  if (res.status !== 201) throw new Error(`POST /api/runs: HTTP ${res.status} ${await res.text()}`);
}

/** Builds the app with the old live path into a temporary directory. */
function buildBaselineWeb(): string {
  const out = mkdtempSync(join(tmpdir(), 'causelane-live-baseline-'));
  const args = [
    '--filter',
    '@causelane/web',
    'exec',
    'vite',
    'build',
    '--config',
    'bench/baseline.vite.config.ts',
  ];
  const res = spawnSync('pnpm', [...args, '--outDir', out, '--emptyOutDir'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`baseline web build failed:\n${res.stderr}`);
  return out;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** One session: a fresh collector (cache on or off), the app following live, the run streamed. */
async function session(cache: boolean, baselineDist?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'causelane-live-bench-'));
  const collector = await spawnCollector(['--port', '0', '--db', join(dir, 'live.db')], {
    cwd: REPO_ROOT,
    startTimeoutMs: 120_000,
    env: cache ? {} : { CAUSELANE_ANALYSIS_CACHE_EVENTS: '0' },
  });
  // Files fulfilled by page.route have no address space: without this flag Chromium's local network
  // checks block the page's socket to the loopback collector. Both sessions run with it.
  const browser = await chromium.launch({
    ...CHROMIUM,
    args: [...CHROMIUM.args, '--disable-features=LocalNetworkAccessChecks'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The baseline app's files in place of the collector's; the API and socket go to the collector.
    if (baselineDist)
      await page.route(`${collector.url}/**`, (route) => {
        const path = new URL(route.request().url()).pathname;
        const file = join(baselineDist, normalize(path === '/' ? '/index.html' : path));
        if (path.startsWith('/api/') || !existsSync(file)) return route.continue();
        return route.fulfill({ path: file, contentType: TYPES[extname(file)] ?? 'application/octet-stream' });
      });
    await page.goto(`${collector.url}/`);
    await page.getByTestId('follow-live').check();
    const run = `live-bench-${cache ? 'on' : 'off'}-${Date.now()}`;
    const events = liveRun(run);
    const want = analyzeEvents(events).runs[0]!.anomalies;
    const pid = collector.child.pid!;
    const c0 = cpuMs(`/proc/${pid}/stat`);
    const b0 = browserCpu();
    const t0 = performance.now();
    const perTick = (RATE * TICK_MS) / 1000;
    const pending: Promise<void>[] = [];
    for (let i = 0, k = 0; i < events.length; i += perTick, k++) {
      const wait = t0 + k * TICK_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(post(collector.url, events.slice(i, i + perTick)));
    }
    await Promise.all(pending);
    const streamed = (performance.now() - t0) / 1000;
    // Done when the app drew every event and the collector's summary holds the exact counts.
    await page.locator('canvas[data-ready-events]').first().waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      (n) =>
        Array.from(document.querySelectorAll('canvas[data-ready-events]')).some(
          (c) => c.getAttribute('data-ready-events') === String(n),
        ),
      EVENTS,
      { timeout: 180_000, polling: 100 },
    );
    for (let tries = 0; ; tries++) {
      const row = (await (await fetch(`${collector.url}/api/runs/${encodeURIComponent(run)}`)).json()) as {
        anomalies?: unknown;
      };
      if (JSON.stringify(row.anomalies) === JSON.stringify(want)) break;
      if (tries > 600)
        throw new Error(
          `summary counts ${JSON.stringify(row.anomalies)} never reached ${JSON.stringify(want)}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    const b1 = browserCpu();
    return {
      streamed,
      collector: cpuMs(`/proc/${pid}/stat`) - c0,
      worker: b1.worker - b0.worker,
      renderer: b1.renderer - b0.renderer,
    };
  } finally {
    await browser.close();
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const us = (ms: number) => `${((ms * 1000) / EVENTS).toFixed(1)} µs/event`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `live bench: ${EVENTS.toLocaleString('en-US')} events at ${RATE}/s; ${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
);
await buildWeb();
const baseline = buildBaselineWeb();
for (let r = 0; r < ROUNDS; r++) {
  for (const incremental of [true, false]) {
    const s = await session(incremental, incremental ? undefined : baseline);
    console.log(
      `  ${incremental ? 'incremental' : 'baseline (whole run per analysis)'}: streamed in ${s.streamed.toFixed(1)} s; ` +
        `collector ${us(s.collector)}, web worker ${us(s.worker)}, renderer total ${us(s.renderer)}; load ${load()}`,
    );
  }
}
rmSync(baseline, { recursive: true, force: true });
