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
import type { FastifyInstance } from 'fastify';
import type { IngestService } from '../ingest-service.ts';
import type { ScenarioHost } from '../scenario-host.ts';
import type { EventStore } from '../store/event-store.ts';
import { registerOtlpRoute } from './otlp-route.ts';
import { sendError } from './send-error.ts';

export interface RouteContext {
  store: EventStore;
  ingest: IngestService;
  scenarios: ScenarioHost;
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

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/api/runs', async () => store.listRuns());

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
    if (!(await store.hasRunId(id))) return sendError(reply, 404, `no run ${JSON.stringify(id)}`);
    return analyzeRuns(new Map([[id, await store.runEvents(id)]]));
  });

  app.post('/api/runs', async (req, reply) => {
    const text = typeof req.body === 'string' ? req.body : '';
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
  });

  app.delete<{ Params: { id: string } }>('/api/runs/:id', async (req, reply) => {
    if (!(await ingest.deleteRun(req.params.id)))
      return sendError(reply, 404, `no run ${JSON.stringify(req.params.id)}`);
    return reply.code(204).send();
  });

  registerOtlpRoute(app, ingest);

  app.get('/api/scenarios', async () => ({ scenarios: scenarios.list() }));

  app.post<{ Params: { name: string } }>('/api/scenarios/:name/run', async (req, reply) => {
    const body = parseJsonBody(req.body);
    if (!body.ok) return sendError(reply, 400, body.error);
    const started = scenarios.start(req.params.name, body.value);
    if (!started.ok) return sendError(reply, started.status, started.error);
    return reply.code(202).send({ run: started.run });
  });
}
