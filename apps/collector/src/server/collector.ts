// Assembles the collector (the composition root): the store (store/: SQLite or PostgreSQL), the ingest service,
// socket.io with its ingest and UI namespaces and optional Redis Streams adapter for several nodes
// (socket/), the HTTP API and the web app (http/), all on one port.

import { UI_NAMESPACE } from '@causelane/trace-schema';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import { WEB_DIST } from '../package-root.ts';
import { AccessPolicy } from './access-policy.ts';
import { registerRoutes } from './http/http-routes.ts';
import { sendError } from './http/send-error.ts';
import { registerWebApp } from './http/web-app.ts';
import { IngestService } from './ingest-service.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { type OtlpGrpcServer, startOtlpGrpcServer } from './otlp/otlp-grpc-server.ts';
import { createScenarioHost, type ScenarioHost, type ScenarioSdk } from './scenario-host.ts';
import { EngineGate, textOnlyParser } from './socket/engine-gate.ts';
import { registerIngestNamespace } from './socket/ingest-namespace.ts';
import { connectRedis, type RedisLink } from './socket/redis-link.ts';
import { RunFanout, type UiNamespace } from './socket/run-fanout.ts';
import { resyncWatcher } from './socket/run-watch.ts';
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
  /** How long start-up waits for Redis before failing (default 5 s). */
  redisConnectWaitMs?: number;
  /** Folder of the built web app; its index.html is served at `/` when present. */
  webDist?: string;
  limits?: Partial<Limits>;
  /** The SDK's scenarios; null disables `POST /api/scenarios/:name/run`. */
  scenarioSdk?: ScenarioSdk | null;
  /** OTLP/gRPC port on the same host (0 picks a free one); unset or null: no gRPC listener. */
  otlpGrpcPort?: number | null;
  log?: { info(msg: string): void; error(msg: string): void };
}

export interface Collector {
  /** `http://host:port`, the address to open. */
  url: string;
  port: number;
  /** The OTLP/gRPC port, or null when gRPC is off. */
  otlpGrpcPort: number | null;
  store: EventStore;
  ingest: IngestService;
  scenarios: ScenarioHost;
  io: Server;
  app: FastifyInstance;
  close(): Promise<void>;
}

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
    // A body whose last bytes never come (slow loris) is cut off, not held for ever. The check runs
    // on Node's connectionsCheckingInterval, so that is kept well under the timeout.
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    // Node checks requestTimeout only with headersTimeout at most as long, on its checking interval.
    http: {
      headersTimeout: Math.min(60_000, limits.requestTimeoutMs),
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(limits.requestTimeoutMs / 4))),
    },
    // Errors raised before routing (a malformed %-escape in the path) get the project's error
    // shape, without echoing the URL (it may hold ?token=).
    frameworkErrors: (err, _req, reply) => {
      const status = err.statusCode ?? 400;
      if (err.code === 'FST_ERR_BAD_URL')
        return sendError(
          reply,
          400,
          'the URL path is not valid (a malformed percent-escape); request refused',
        );
      if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, 414, 'the URL path is too long');
      return sendError(reply, status, status < 500 ? err.message : 'internal error; see the collector log');
    },
  });
  const gate = new EngineGate(access, {
    maxPending: limits.maxPendingConnections,
    joinTimeoutMs: limits.connectTimeoutMs,
  });
  const io = new Server(app.server, {
    serveClient: false,
    maxHttpBufferSize: limits.maxMessageBytes,
    // A connection that joins no namespace (never authenticates) is closed after this long.
    connectTimeout: limits.connectTimeoutMs,
    parser: textOnlyParser,
    // Engine.io runs this on every handshake, polling or websocket upgrade, before any namespace:
    // the origin, the token when one is set, and the cap on connections not yet in a namespace.
    allowRequest: gate.allowRequest,
  });
  gate.attach(io);
  // Nothing is served on the main namespace, but it is guarded like the others.
  gate.guard(io);
  let redis: RedisLink | null = null;
  try {
    if (options.redis) {
      redis = await connectRedis(options.redis, { log, connectWaitMs: options.redisConnectWaitMs });
      // A shorter XREAD block than the default 5 s: the stream reader only stops between reads, so
      // this bounds how long a shutdown waits for it.
      io.adapter(createAdapter(redis.client, { blockTimeInMs: 1000 }));
    }
  } catch (err) {
    await store.close();
    throw err;
  }

  const link = redis;
  const fanout = new RunFanout(
    io.of(UI_NAMESPACE) as UiNamespace,
    { summary: (run) => store.getRun(run), clusterUp: () => link?.up() ?? true },
    link !== null,
  );
  // After an outage each viewer is topped up from the store by seq; once more a little later, for
  // the nodes whose own Redis connection came back after ours.
  link?.onRecovered(() => {
    const resync = () => {
      for (const w of fanout.liveWatchers()) void resyncWatcher(store, fanout, w).catch(() => {});
    };
    resync();
    setTimeout(resync, 3000).unref();
  });
  const ingest = new IngestService(store, fanout, limits);
  const scenarios = createScenarioHost(options.scenarioSdk ?? null, ingest, log);
  registerIngestNamespace(io, ingest, limits, gate, log);
  registerUiNamespace(io, store, fanout, gate);

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

  registerRoutes(app, { store, ingest, scenarios, fanout });
  await registerWebApp(app, options.webDist ?? WEB_DIST);

  try {
    await app.listen({ port: options.port ?? 4800, host });
  } catch (err) {
    io.close();
    await store.close();
    await redis?.close();
    const e = err as NodeJS.ErrnoException;
    throw new Error(
      e.code === 'EADDRINUSE' ? `port ${options.port} on ${host} is already in use` : e.message,
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 4800);
  let grpc: OtlpGrpcServer | null = null;
  if (options.otlpGrpcPort != null) {
    try {
      grpc = await startOtlpGrpcServer({
        host,
        port: options.otlpGrpcPort,
        access,
        ingest,
        maxMessageBytes: limits.maxBodyBytes,
        log,
      });
    } catch (err) {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => {});
      await store.close();
      await redis?.close();
      throw err;
    }
  }
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
      await grpc?.close();
      // OTLP spans stored but not derived yet get their runs before the store closes.
      await ingest.close();
      await retention?.stop();
      await redis?.close();
      await store.close();
    })();
    return closing;
  };
  const otlpGrpcPort = grpc?.port ?? null;
  return { url: `http://${urlHost}:${port}`, port, otlpGrpcPort, store, ingest, scenarios, io, app, close };
}
