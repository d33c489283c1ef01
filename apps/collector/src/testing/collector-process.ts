// Test and benchmark helper: runs `causelane serve` as a real child process (as a user would), waits
// for its "listening on" line, and stops it by signal. Used where a test must kill -9 the collector
// or run several collector nodes, by the load benchmark, and by the Playwright e2e suite.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CLI_BIN } from './run-cli.ts';

export interface CollectorProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Sends the signal and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnCollectorOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for "listening on"; the bin may rebuild its bundle first. Default 20 s. */
  startTimeoutMs?: number;
}

/** A loopback port that was free a moment ago (for restarting a collector on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function spawnCollector(args: string[], opts: SpawnCollectorOptions = {}): Promise<CollectorProcess> {
  const startTimeoutMs = opts.startTimeoutMs ?? 20_000;
  // Tests run collectors side by side: OTLP/gRPC on a free port, not 4317, unless a test says otherwise.
  const grpc = args.some((a) => a === '--otlp-grpc-port' || a === '--no-otlp-grpc')
    ? []
    : ['--otlp-grpc-port', '0'];
  const child = spawn(process.execPath, [CLI_BIN, 'serve', ...grpc, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector did not start within ${startTimeoutMs / 1000} s:\n${out}`));
    }, startTimeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited with ${code} before listening:\n${out}`));
    });
  });
}
