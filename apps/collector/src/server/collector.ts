// Assembles the collector: SQLite store, ingest service, socket.io (ingest + UI namespaces, optional
// Redis Streams adapter for several nodes), the HTTP API and the web app, on one port.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { COLLECTOR_ROOT } from '../package-root.ts';
import { AccessPolicy } from './access-policy.ts';
import { EventStore } from './event-store.ts';
import { registerRoutes, sendError } from './http-routes.ts';
import { registerIngestNamespace } from './ingest-namespace.ts';
import { IngestService } from './ingest-service.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { RunFanout } from './run-fanout.ts';
import {
  RUN_LIST_PAGE_CSP,
  RUN_LIST_PAGE_CSS,
  RUN_LIST_PAGE_HTML,
  RUN_LIST_PAGE_JS,
} from './run-list-page.ts';
import { createScenarioHost, type ScenarioHost, type ScenarioSdk } from './scenario-host.ts';
import { registerUiNamespace } from './ui-namespace.ts';

export interface CollectorOptions {
  /** SQLite file; created with its folder if missing. */
  db: string;
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

export const DEFAULT_WEB_DIST = join(COLLECTOR_ROOT, '..', 'web', 'dist');

// connect-src admits any http(s) origin so `?src=https://host/trace.jsonl` works when the collector
// serves the app: the trace is fetched as text into the worker, never run or rendered as HTML, and
// the app attaches the token to same-origin requests only. Scripts stay 'self'.
const WEB_APP_CSP =
  "default-src 'self'; connect-src 'self' http: https:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The path as the router sees it (percent-decoded), for telling API-looking 404s from web app routes. */
function safeDecode(url: string): string {
  const path = url.split('?')[0]!;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
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
  const store = new EventStore(options.db);

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
    store.close();
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
  const webDist = options.webDist ?? DEFAULT_WEB_DIST;
  if (existsSync(`${webDist}/index.html`)) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      setHeaders: (res) => res.header('content-security-policy', WEB_APP_CSP),
    });
    app.setNotFoundHandler((req, reply) => {
      if (req.method !== 'GET' || /^\/(api|v1)\//i.test(safeDecode(req.url)))
        return sendError(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`);
      // Client-side routes of the single-page app all load its index.html.
      return reply.header('content-security-policy', WEB_APP_CSP).sendFile('index.html');
    });
  } else {
    app.get('/', (_req, reply) =>
      reply
        .header('content-security-policy', RUN_LIST_PAGE_CSP)
        .type('text/html; charset=utf-8')
        .send(RUN_LIST_PAGE_HTML),
    );
    app.get('/_collector/page.js', (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').send(RUN_LIST_PAGE_JS),
    );
    app.get('/_collector/page.css', (_req, reply) =>
      reply.type('text/css; charset=utf-8').send(RUN_LIST_PAGE_CSS),
    );
    app.setNotFoundHandler((req, reply) =>
      sendError(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`),
    );
  }

  try {
    await app.listen({ port: options.port ?? 4800, host });
  } catch (err) {
    io.close();
    store.close();
    await redis?.destroy();
    const e = err as NodeJS.ErrnoException;
    throw new Error(
      e.code === 'EADDRINUSE' ? `port ${options.port} on ${host} is already in use` : e.message,
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 4800);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      fanout.close();
      // Closing socket.io disconnects every client and closes the HTTP server it shares with Fastify.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await app.close().catch(() => {});
      await redis?.destroy();
      store.close();
    })();
    return closing;
  };
  return { url: `http://${urlHost}:${port}`, port, store, ingest, scenarios, io, app, close };
}
