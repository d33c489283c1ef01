// Assembles the collector (the composition root): the store (store/: SQLite or PostgreSQL), the ingest service,
// socket.io with its ingest and UI namespaces and optional Redis Streams adapter for several nodes
// (socket/), the HTTP API and the web app (http/), all on one port.
import { join } from 'node:path';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { COLLECTOR_ROOT } from '../package-root.ts';
import { AccessPolicy } from './access-policy.ts';
import { registerRoutes } from './http/http-routes.ts';
import { sendError } from './http/send-error.ts';
import { registerWebApp } from './http/web-app.ts';
import { IngestService } from './ingest-service.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { createScenarioHost, type ScenarioHost, type ScenarioSdk } from './scenario-host.ts';
import { registerIngestNamespace } from './socket/ingest-namespace.ts';
import { RunFanout } from './socket/run-fanout.ts';
import { registerUiNamespace } from './socket/ui-namespace.ts';
import type { EventStore } from './store/event-store.ts';
import { openEventStore } from './store/open-event-store.ts';
import { type Retention, startRetention } from './store/retention.ts';

export interface CollectorOptions {
  /** SQLite file (created with its folder if missing), or a `postgres://` URL. */
  db: string;
  /** Delete runs with no write for this many days, in the background. */
  retainDays?: number;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Required from every client when set. */
  token?: string;
  /** Extra browser origins allowed besides the served one (a dev server). */
  allowOrigins?: string[];
  /** Extra host names browsers may use to reach the collector (see AccessPolicy.hostRefusal). */
  allowHosts?: string[];
  /** Redis URL: share live fan-out with other collectors through the Redis Streams adapter. */
  redis?: string;
  /** Folder of the built web app; its index.html is served at `/` when present. */
  webDist?: string;
  limits?: Partial<Limits>;
  /** The SDK's scenarios; null disables `POST /api/scenarios/:name/run`. */
  scenarioSdk?: ScenarioSdk | null;
  log?: { info(msg: string): void; error(msg: string): void };
}

export interface Collector {
  /** `http://host:port`, the address to open. */
  url: string;
  port: number;
  store: EventStore;
  ingest: IngestService;
  scenarios: ScenarioHost;
  io: Server;
  app: FastifyInstance;
  close(): Promise<void>;
}

const DEFAULT_WEB_DIST = join(COLLECTOR_ROOT, '..', 'web', 'dist');

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const host = options.host ?? '127.0.0.1';
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? {
    info: (m) => process.stderr.write(`${m}\n`),
    error: (m) => process.stderr.write(`${m}\n`),
  };
  const access = new AccessPolicy({
    token: options.token,
    allowOrigins: options.allowOrigins,
    allowHosts: options.allowHosts,
    boundHost: host,
  });
  const store = await openEventStore(options.db, { log });

  const app = Fastify({
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    routerOptions: { maxParamLength: 1000 },
  });
  const io = new Server(app.server, {
    serveClient: false,
    maxHttpBufferSize: limits.maxMessageBytes,
    // Engine.io runs this on every handshake, polling or websocket upgrade, before any namespace.
    // The Host rule waits for the namespace middleware, the first place the auth token is known.
    allowRequest: (req, cb) => {
      const refusal = access.originRefusal(req.headers);
      cb(refusal, refusal === null);
    },
  });
  // Nothing is served on the main namespace, but it is guarded like the others.
  io.use((socket, next) => {
    const refusal = access.handshakeRefusal(socket.handshake.headers, socket.handshake.auth);
    next(refusal === null ? undefined : new Error(refusal));
  });
  let redis: ReturnType<typeof createClient> | null = null;
  try {
    if (options.redis) {
      redis = createClient({ url: options.redis });
      redis.on('error', (err: Error) => log.error(`redis: ${err.message}`));
      await redis.connect();
      // A shorter XREAD block than the default 5 s: the stream reader only stops between reads, so
      // this bounds how long a shutdown waits for it.
      io.adapter(createAdapter(redis, { blockTimeInMs: 1000 }));
    }
  } catch (err) {
    await store.close();
    await redis?.destroy();
    throw new Error(`cannot connect to redis at ${options.redis}: ${(err as Error).message}`);
  }

  const fanout = RunFanout.forServer(io);
  const ingest = new IngestService(store, fanout, limits);
  const scenarios = createScenarioHost(options.scenarioSdk ?? null, ingest, log);
  registerIngestNamespace(io, ingest, limits, access, log);
  registerUiNamespace(io, store, access);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('onRequest', async (req, reply) => {
    const refusal = access.requestRefusal(req.headers, req.method, req.query);
    if (refusal !== null) return sendError(reply, 403, refusal);
    if (
      access.guardsRoute(req.routeOptions.url, req.method) &&
      !access.httpTokenMatches(req.headers, req.method, req.query)
    ) {
      return sendError(reply, 401, 'unauthorized: send Authorization: Bearer TOKEN (or ?token= on GET)');
    }
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status < 500) return sendError(reply, status, err.message);
    log.error(`request failed: ${err.message}`);
    return sendError(reply, 500, 'internal error; see the collector log');
  });

  registerRoutes(app, { store, ingest, scenarios });
  await registerWebApp(app, options.webDist ?? DEFAULT_WEB_DIST);

  try {
    await app.listen({ port: options.port ?? 4800, host });
  } catch (err) {
    io.close();
    await store.close();
    await redis?.destroy();
    const e = err as NodeJS.ErrnoException;
    throw new Error(
      e.code === 'EADDRINUSE' ? `port ${options.port} on ${host} is already in use` : e.message,
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 4800);
  const retention: Retention | null = options.retainDays
    ? startRetention(store, {
        retainDays: options.retainDays,
        log,
        onDeleted: (runs) => {
          for (const run of runs) fanout.runChanged(run, 'deleted');
        },
      })
    : null;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      fanout.close();
      // Closing socket.io disconnects every client and closes the HTTP server it shares with Fastify.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => {});
      await retention?.stop();
      await redis?.destroy();
      await store.close();
    })();
    return closing;
  };
  return { url: `http://${urlHost}:${port}`, port, store, ingest, scenarios, io, app, close };
}
