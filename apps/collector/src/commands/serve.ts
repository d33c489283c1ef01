// `causelane serve`: the live collector (socket.io ingest and fan-out, SQLite or PostgreSQL, HTTP API,
// web app) in one process, bound to loopback unless told otherwise, and never exposed without a token.
import type { Command } from 'commander';
import { isLoopbackHost } from '../server/access-policy.ts';
import type { Collector } from '../server/collector.ts';
import { CliError } from './cli-error.ts';

interface ServeOptions {
  port: string;
  host: string;
  db?: string;
  retainDays?: string;
  token?: string;
  redis?: string;
  allowOrigin?: string[];
  allowHost?: string[];
  otlpGrpcPort: string;
  /** false with --no-otlp-grpc. */
  otlpGrpc: boolean;
}

const HOSTS_HELP = `
Allowed hosts: browsers may reach the collector only by an allowed name in
the Host header, a guard against DNS rebinding (a web page re-pointing its
own name at 127.0.0.1). Allowed: localhost and *.localhost, any IP address,
the --host name, the hosts of --allow-origin values, and --allow-host names;
any other Host gets 403. Under a DNS name or behind a load balancer, pass it:
  causelane serve --host 0.0.0.0 --allow-host collector.example.com
A leading dot (--allow-host .example.com) also allows every subdomain.
`;

const DEFAULT_DB = '.causelane/causelane.db';

function parseRetainDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const days = Number(value);
  if (!(Number.isFinite(days) && days > 0))
    throw new CliError(`--retain-days: expected a number of days greater than 0, got ${value}`);
  return days;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port: expected 0-65535, got ${value}`);
  return port;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the live collector: agents stream to it, browsers watch runs at the printed URL')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '4800')
    .option('--host <host>', 'address to bind; a non-loopback one requires a token', '127.0.0.1')
    .option(
      '--db <file-or-url>',
      `SQLite file (created if missing) or postgres://user:pass@host/db (default: $CAUSELANE_DB, else ${DEFAULT_DB})`,
    )
    .option('--retain-days <days>', 'delete runs with no new event for this many days, in the background')
    .option('--token <token>', 'token every client must send (default: $CAUSELANE_TOKEN)')
    .option('--redis <url>', 'share live fan-out with other collectors through Redis Streams')
    .option('--allow-origin <origin...>', 'extra browser origins allowed to call the API (a dev server)')
    .option('--allow-host <host...>', 'extra host names browsers may use to reach the collector (see below)')
    .option(
      '--otlp-grpc-port <port>',
      'OTLP/gRPC port on the same host and token (0 picks a free one)',
      '4317',
    )
    .option('--no-otlp-grpc', 'do not listen for OTLP/gRPC (OTLP/HTTP stays on /v1/traces)')
    .addHelpText('after', HOSTS_HELP)
    .action(async (opts: ServeOptions) => {
      const token = opts.token ?? (process.env.CAUSELANE_TOKEN || undefined);
      const db = opts.db ?? (process.env.CAUSELANE_DB || DEFAULT_DB);
      const retainDays = parseRetainDays(opts.retainDays);
      if (!isLoopbackHost(opts.host) && !token) {
        throw new CliError(
          `refusing to listen on ${opts.host} without a token: anyone who can reach it could read and write traces.\n` +
            'Set CAUSELANE_TOKEN or pass --token, or bind to 127.0.0.1.',
        );
      }
      // Loaded here, not at the top: other commands should not pay for fastify, socket.io and the SDK.
      const { startCollector } = await import('../server/collector.ts');
      const { loadScenarioSdk } = await import('../server/scenario-sdk.ts');
      const { describeDb } = await import('../server/store/open-event-store.ts');
      let collector: Collector;
      try {
        const otlpGrpcPort = opts.otlpGrpc ? Number(opts.otlpGrpcPort) : null;
        if (
          otlpGrpcPort !== null &&
          !(Number.isInteger(otlpGrpcPort) && otlpGrpcPort >= 0 && otlpGrpcPort <= 65535)
        )
          throw new CliError(`--otlp-grpc-port: expected 0-65535, got ${opts.otlpGrpcPort}`);
        collector = await startCollector({
          otlpGrpcPort,
          port: parsePort(opts.port),
          host: opts.host,
          db,
          retainDays,
          token,
          redis: opts.redis,
          allowOrigins: opts.allowOrigin,
          allowHosts: opts.allowHost,
          scenarioSdk: await loadScenarioSdk(),
        });
      } catch (err) {
        throw new CliError(`causelane serve: ${(err as Error).message}`);
      }
      // Handlers go in before the URL is printed: whoever reads that line may signal us at once.
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stderr.write(`${signal}: closing the collector\n`);
          process.once(signal, () => process.exit(130));
          collector.close().then(resolve, (err: Error) => {
            process.stderr.write(`error while closing: ${err.message}\n`);
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      const lines = [`Causelane collector listening on ${collector.url}`];
      lines.push(
        `  database ${describeDb(db)}${opts.redis ? `, live fan-out shared through ${opts.redis}` : ''}`,
      );
      if (retainDays) lines.push(`  runs idle for ${retainDays} days are deleted`);
      lines.push(
        `  OTLP/HTTP ${collector.url}/v1/traces${collector.otlpGrpcPort === null ? '' : `, OTLP/gRPC ${collector.url.replace(/:\d+$/, `:${collector.otlpGrpcPort}`)}`}`,
      );
      if (token) lines.push(`  token required; open ${collector.url}/?token=…`);
      process.stdout.write(`${lines.join('\n')}\n`);
      await stopped;
    });
}
