// The collector's HTTP API: health, the run API (list, read, stream events, anomalies, delete),
// JSONL upload, OTLP ingest (registered from otlp-route.ts) and scenario runs. Bodies arrive as
// strings and each route parses its own, so a malformed body is a 400 with a message, never a
// parser stack trace. The web app and its fallback page are served by collector.ts.
import { Readable } from 'node:stream';
import { analyzeRuns } from '@causelane/analysis';
import {
  formatLineError,
  readTraceText,
  type TraceEvent,
  type UploadResponse,
} from '@causelane/trace-schema';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IngestService } from '../ingest-service.ts';
import type { ScenarioHost } from '../scenario-host.ts';
import type { RunFanout } from '../socket/run-fanout.ts';
import { type EventStore, InvalidCursorError, MAX_RUN_PAGE } from '../store/event-store.ts';
import { AnomalyCache } from './anomaly-cache.ts';
import { registerExamplesRoute } from './examples-route.ts';
import { registerOtlpRoute } from './otlp-route.ts';
import { sendError } from './send-error.ts';
import { decodeUtf8 } from './utf8-text.ts';

export interface RouteContext {
  store: EventStore;
  ingest: IngestService;
  scenarios: ScenarioHost;
  /** Run changes reach the anomaly cache through it. */
  fanout: RunFanout;
}

/** Rejected lines listed in a 400 answer; the message still gives the total. */
const MAX_DETAILS = 20;

function parseJsonBody(body: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof body !== 'string' || body.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, error: `body is not valid JSON (${(err as Error).message})` };
  }
}

export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store, ingest, scenarios } = ctx;
  const anomalies = new AnomalyCache();
  ctx.fanout.onRunChanged((run) => anomalies.invalidate(run));

  app.get('/healthz', async () => ({ ok: true }));

  // One page, newest first; `next` is the cursor of the following page (null on the last one).
  // `q` keeps the runs whose id or agent holds that text (the web app's run search).
  app.get<{ Querystring: { limit?: string; cursor?: string; q?: string } }>(
    '/api/runs',
    async (req, reply) => {
      const { limit, cursor, q } = req.query;
      if (q !== undefined && (typeof q !== 'string' || q.length > 200))
        return sendError(reply, 400, 'q: expected a search text of at most 200 characters');
      const n = limit === undefined ? undefined : Number(limit);
      if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= MAX_RUN_PAGE))
        return sendError(
          reply,
          400,
          `limit: expected an integer from 1 to ${MAX_RUN_PAGE}, got ${JSON.stringify(limit)}`,
        );
      try {
        return await store.listRuns({ limit: n, cursor: typeof cursor === 'string' ? cursor : undefined, q });
      } catch (err) {
        if (err instanceof InvalidCursorError) return sendError(reply, 400, `cursor: ${err.message}`);
        throw err;
      }
    },
  );

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (req, reply) => {
    const run = await store.getRun(req.params.id);
    return run ?? sendError(reply, 404, `no run ${JSON.stringify(req.params.id)}`);
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id/events', async (req, reply) => {
    const { id } = req.params;
    if (!(await store.hasRunId(id))) return sendError(reply, 404, `no run ${JSON.stringify(id)}`);
    // Page by page, so a large run never sits in memory as one string.
    const pages = (async function* () {
      for await (const page of store.runBodies(id)) yield `${page.join('\n')}\n`;
    })();
    return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(pages));
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id/anomalies', async (req, reply) => {
    const { id } = req.params;
    const row = await store.getRun(id);
    if (!row) return sendError(reply, 404, `no run ${JSON.stringify(id)}`);
    // Once per run and event count: repeated requests (every open tab) cost nothing more.
    return anomalies.get(id, row.events, async () => analyzeRuns(new Map([[id, await store.runEvents(id)]])));
  });

  // Its own scope: the upload takes bytes, decoded as strict UTF-8 so a bad byte names its line.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/api/runs', (req, reply) => upload(req.body, reply));
  });
  async function upload(body: unknown, reply: FastifyReply) {
    const decoded = decodeUtf8(Buffer.isBuffer(body) ? body : Buffer.alloc(0));
    if (!decoded.ok) {
      const hex = decoded.byte.toString(16).toUpperCase().padStart(2, '0');
      return sendError(reply, 400, 'invalid trace: 1 line rejected; nothing was stored', [
        `line:${decoded.line}: field (line): not valid UTF-8 (byte 0x${hex} at byte ${decoded.column} of the line); save the file as UTF-8`,
      ]);
    }
    const text = decoded.text;
    const read = readTraceText(text, { maxErrors: MAX_DETAILS });
    if (read.errors.length > 0) {
      const total = new Set(read.errors.map((e) => e.line)).size;
      return sendError(
        reply,
        400,
        `invalid trace: ${total} line${total === 1 ? '' : 's'} rejected; nothing was stored`,
        read.errors.map((e) => formatLineError('line', e)),
      );
    }
    const events: TraceEvent[] = [];
    for (const runEvents of read.runs.values()) for (const e of runEvents) events.push(e);
    if (events.length === 0)
      return sendError(reply, 400, 'the body holds no events: send a JSONL trace, one event per line');
    const res = await ingest.ingestEvents(events);
    if (!res.ok) {
      // The database refused for now (busy): nothing was stored, and the same upload may be sent again.
      if (res.retryAfterMs !== undefined) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(res.retryAfterMs / 1000))));
        return sendError(reply, 503, res.error);
      }
      return sendError(
        reply,
        res.conflict ? 409 : 400,
        res.error,
        res.rejected.map((r) => {
          const e = events[r.index];
          return `run ${JSON.stringify(e?.run)} seq ${e?.seq}: field ${r.field}: ${r.message}`;
        }),
      );
    }
    const answer: UploadResponse = {
      runs: [...read.runs.keys()],
      stored: res.stored,
      duplicates: res.duplicates + read.duplicates,
    };
    return reply.code(201).send(answer);
  }

  app.delete<{ Params: { id: string } }>('/api/runs/:id', async (req, reply) => {
    if (!(await ingest.deleteRun(req.params.id)))
      return sendError(reply, 404, `no run ${JSON.stringify(req.params.id)}`);
    return reply.code(204).send();
  });

  registerOtlpRoute(app, ingest);
  registerExamplesRoute(app);

  app.get('/api/scenarios', async () => ({ scenarios: scenarios.list() }));

  app.post<{ Params: { name: string } }>('/api/scenarios/:name/run', async (req, reply) => {
    const body = parseJsonBody(req.body);
    if (!body.ok) return sendError(reply, 400, body.error);
    const started = scenarios.start(req.params.name, body.value);
    if (!started.ok) return sendError(reply, started.status, started.error);
    return reply.code(202).send({ run: started.run });
  });
}
