// Test and benchmark helper: a real, throwaway PostgreSQL server from Debian's `postgresql` package.
// initdb into a temporary folder and `postgres` on a free loopback port (spawned with the postgres
// user's uid when we are root, since both refuse to run as root), one database per caller, stopped
// (fast shutdown) and removed after.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './collector-process.ts';

export interface PostgresServer {
  /** `postgres://causelane@127.0.0.1:PORT/` without a database name. */
  baseUrl: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Everything the server logged, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The newest Debian PostgreSQL binaries folder, or null when the package is not installed. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/**
 * Whether PostgreSQL tests may be skipped when the server cannot be found: locally yes (with a
 * warning), never under CI=true, where a missing PostgreSQL must fail the run.
 */
export function postgresRequired(): boolean {
  return process.env.CI === 'true';
}

/** uid and gid of the postgres user when we are root (as `runuser -u postgres` would), else nothing. */
function postgresUser(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface StartPostgresOptions {
  /** fsync and synchronous_commit off: faster, for tests that do not measure durability. Default false. */
  fast?: boolean;
  startTimeoutMs?: number;
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      'PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/postgres (run scripts/setup.sh --test, or apt-get install postgresql)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'causelane-pg-'));
  const data = join(dir, 'data');
  const user = postgresUser();
  if ('uid' in user) chownSync(dir, user.uid, user.gid);
  const initArgs = [
    '-D',
    data,
    '-U',
    'causelane',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-instructions',
  ];
  try {
    execFileSync(join(bin, 'initdb'), initArgs, { stdio: 'pipe', cwd: dir, ...user });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`initdb failed: ${e.stderr?.toString() || e.message}`);
  }
  const port = await freePort();
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    `unix_socket_directories=${dir}`,
    'max_connections=200',
    'shared_buffers=64MB',
    ...(opts.fast ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  const args = ['-D', data, ...settings.flatMap((s) => ['-c', s])];
  const child: ChildProcess = spawn(join(bin, 'postgres'), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: dir,
    ...user,
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`postgres did not start within ${(opts.startTimeoutMs ?? 30_000) / 1000} s:\n${out}`));
    }, opts.startTimeoutMs ?? 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      remove();
      reject(new Error(`postgres exited with ${code} before it was ready:\n${out}`));
    });
  });
  const baseUrl = `postgres://causelane@127.0.0.1:${port}/`;
  return {
    baseUrl,
    port,
    output: () => out,
    async createDatabase(name) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: `${baseUrl}postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
      return `${baseUrl}${encodeURIComponent(name)}`;
    },
    async stop() {
      // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, the server exits cleanly.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      remove();
    },
  };
}
