// Test and benchmark helper: a throwaway redis-server (Debian's redis-server package) on a given
// loopback port, with no persistence, for the multi-node tests and the storage benchmark.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const REDIS_SERVER = '/usr/bin/redis-server';

export function haveRedis(): boolean {
  return existsSync(REDIS_SERVER);
}

export interface RedisServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startRedis(port: number): Promise<RedisServer> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
