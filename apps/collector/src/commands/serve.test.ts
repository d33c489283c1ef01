// `causelane serve` as a user runs it: the printed URL, the default database path, the refusal to
// listen exposed without a token, token enforcement, and a clean exit on SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCollector } from '../testing/collector-process.ts';
import { CLI_BIN } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The status of a GET sent with the given Host header (fetch cannot set Host). */
function statusWithHost(url: string, host: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const auth = token === undefined ? {} : { authorization: `Bearer ${token}` };
    get(url, { headers: { host, ...auth } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

function runServe(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, 'serve', ...args], {
      env: { ...process.env, CAUSELANE_TOKEN: '', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('causelane serve', () => {
  it('starts on loopback with the default database, prints the URL and exits cleanly on SIGTERM', async () => {
    const p = await spawnCollector(['--port', '0'], { cwd: dir, env: { CAUSELANE_TOKEN: '' } });
    try {
      expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(p.output()).toContain('Causelane collector listening on http://127.0.0.1:');
      expect(existsSync(join(dir, '.causelane', 'causelane.db'))).toBe(true);
      expect((await fetch(`${p.url}/healthz`)).status).toBe(200);

      // Started side by side to keep the suite short: each CLI start costs seconds on a busy machine.
      const port = new URL(p.url).port;
      const [taken, refused, badHost, exposed] = await Promise.all([
        runServe(['--port', port, '--db', join(dir, 'b.db')]),
        runServe(['--host', '0.0.0.0', '--port', '0', '--db', join(dir, 'x.db')]),
        runServe(['--port', '0', '--db', join(dir, 'h.db'), '--allow-host', 'http://x.example']),
        spawnCollector(
          [
            ...['--host', '0.0.0.0', '--port', '0', '--db', join(dir, 'exposed.db')],
            ...['--allow-host', 'collector.example.com'],
          ],
          { env: { CAUSELANE_TOKEN: 'env-token' } },
        ),
      ]);
      expect(badHost.code).toBe(2);
      expect(badHost.stderr).toMatch(/--allow-host "http:\/\/x\.example": expected a host name/);
      expect(taken.code).toBe(2);
      expect(taken.stderr).toContain(`causelane serve: port ${port} on 127.0.0.1 is already in use`);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^refusing to listen on 0\.0\.0\.0 without a token/);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      try {
        expect(exposed.output()).toContain('token required');
        expect((await fetch(`${exposed.url}/api/runs`)).status).toBe(401);
        expect(
          (await fetch(`${exposed.url}/api/runs`, { headers: { authorization: 'Bearer env-token' } })).status,
        ).toBe(200);
        const runs = `${exposed.url}/api/runs`;
        expect(await statusWithHost(runs, 'collector.example.com:4800', 'env-token')).toBe(200);
        // An unknown name passes with the token (a remote agent or exporter), and is refused without it.
        expect(await statusWithHost(runs, 'rebound.example:4800', 'env-token')).toBe(200);
        expect(await statusWithHost(`${exposed.url}/`, 'rebound.example:4800')).toBe(403);
        expect(await statusWithHost(`${exposed.url}/`, 'collector.example.com:4800')).toBe(200);
      } finally {
        await exposed.stop('SIGTERM');
      }
    } finally {
      await p.stop('SIGTERM');
    }
    expect(p.child.exitCode).toBe(0);
  }, 40_000);
});
