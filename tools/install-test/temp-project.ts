// An empty npm project in the OS temp folder, far from the workspace, that installs the packed
// tarballs with plain npm and runs commands in it (`node`, `npx`) as a user's shell would.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Node's headers for node-gyp (better-sqlite3 builds from source where no prebuilt binary can be
 * downloaded): the ones beside this node, else Debian's in /usr, else node-gyp downloads them. */
function nodeHeadersPrefix(): string | undefined {
  const prefixes = [resolve(dirname(process.execPath), '..'), '/usr'];
  return prefixes.find((p) => existsSync(join(p, 'include', 'node', 'node.h')));
}

/** The caller's environment minus what pnpm and the workspace put in it (npm_* settings, the
 * workspace's node_modules/.bin on PATH), so npm and npx behave as in a user's shell. */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  const keep =
    /^npm_config_(registry|cache|userconfig|nodedir|proxy|https_proxy|noproxy|cafile|strict_ssl)$/i;
  for (const key of Object.keys(env)) {
    if (/^(npm|pnpm)_/i.test(key) && !keep.test(key)) delete env[key];
  }
  env.PATH = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !resolve(dir).startsWith(REPO_ROOT))
    .join(delimiter);
  const headers = env.npm_config_nodedir ?? nodeHeadersPrefix();
  if (headers) env.npm_config_nodedir = headers;
  return env;
}

export function run(
  cwd: string,
  command: string,
  args: string[],
  timeoutMs = 120_000,
  env: NodeJS.ProcessEnv = userEnv(),
): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${command} ${args.join(' ')} took over ${timeoutMs / 1000} s:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Creates the project: a package.json of type module and nothing else. */
export function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'causelane-install-'));
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'install-test', private: true, type: 'module' }, null, 2)}\n`,
  );
  return dir;
}

/** The version of a package installed in the workspace, so the project gets the same one. */
export function workspaceVersion(name: string, from = REPO_ROOT): string {
  let dir = from;
  while (!existsSync(join(dir, 'node_modules', name, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`${name} is not installed in the workspace`);
    dir = dirname(dir);
  }
  return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

export interface Serving {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `npx causelane serve …` in its own process group and waits for its "listening on" line. */
export function serve(cwd: string, args: string[], timeoutMs = 60_000): Promise<Serving> {
  const child: ChildProcess = spawn('npx', ['--no', '--', 'causelane', 'serve', ...args], {
    cwd,
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      // npx runs the bin as its child: signal the whole group this test started.
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`npx causelane serve did not start within ${timeoutMs / 1000} s:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done({ url: m[1]!, output: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`npx causelane serve exited with ${code} before listening:\n${out}`));
    });
  });
}
