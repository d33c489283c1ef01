// Starts the real collector (`causelane serve`) on a free port with a temporary database, for e2e
// tests and the web benchmark, and stops it (its whole process group) afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

export interface RunningCollector {
  url: string;
  stop: () => Promise<void>;
}

export async function startCollector(opts: { token?: string } = {}): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'causelane-e2e-'));
  const child: ChildProcess = spawn(
    // The real `causelane` bin, as users run it (it rebuilds its CLI bundle when sources change).
    process.execPath,
    [
      'apps/collector/bin/causelane.mjs',
      'serve',
      '--port',
      '0',
      '--db',
      join(dir, 'e2e.db'),
      ...(opts.token ? ['--token', opts.token] : []),
    ],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`collector did not start in 60 s\n${out}${stderr}`)),
      60_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`collector exited with ${code}\n${out}${stderr}`));
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(-child.pid!, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      }
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
