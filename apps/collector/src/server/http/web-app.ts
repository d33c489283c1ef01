// Serves the browser side on `/`: the built web app (apps/web/dist) with its CSP when present,
// else the minimal run list page. Unknown paths under /api/ or /v1/ stay JSON 404s either way.
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import {
  RUN_LIST_PAGE_CSP,
  RUN_LIST_PAGE_CSS,
  RUN_LIST_PAGE_HTML,
  RUN_LIST_PAGE_JS,
} from './run-list-page.ts';
import { sendError } from './send-error.ts';

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

/** Registers `/` and the not-found handler; call after every API route. */
export async function registerWebApp(app: FastifyInstance, webDist: string): Promise<void> {
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
    return;
  }
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
