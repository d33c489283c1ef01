// Starts the real collector (`causelane serve`, through the collector's own process helper) on a
// free port with a temporary database, for e2e tests and the web benchmark, and stops it afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnCollector } from '@causelane/collector/testing';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

export interface RunningCollector {
  url: string;
  stop: () => Promise<void>;
}

export async function startCollector(opts: { token?: string } = {}): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'causelane-e2e-'));
  const collector = await spawnCollector(
    ['--port', '0', '--db', join(dir, 'e2e.db'), ...(opts.token ? ['--token', opts.token] : [])],
    // The bin rebuilds its CLI bundle first when sources changed, slow on a busy machine.
    { cwd: REPO_ROOT, startTimeoutMs: 60_000 },
  ).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: collector.url,
    stop: async () => {
      const stopped = collector.stop('SIGTERM');
      const graceful = await Promise.race([
        stopped.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!graceful) await collector.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Builds the web app so the collector serves the current code. */
export async function buildWeb(): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const p = spawn('pnpm', ['--filter', '@causelane/web', 'build'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`web build failed (${code})\n${err}`))));
  });
}

export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
