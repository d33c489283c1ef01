// The public example traces (the repository's ../shared/examples), served read-only so the web app's
// empty state can open each in one click: `GET /api/examples` lists them, `GET /api/examples/:file`
// returns one JSONL file. Names are checked against the folder's listing, never joined blindly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { COLLECTOR_ROOT } from '../../package-root.ts';
import { sendError } from './send-error.ts';

export const DEFAULT_EXAMPLES_DIR = join(COLLECTOR_ROOT, '..', '..', '..', 'shared', 'examples');

function exampleFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
}

export function registerExamplesRoute(app: FastifyInstance, dir = DEFAULT_EXAMPLES_DIR): void {
  app.get('/api/examples', async () => ({
    examples: exampleFiles(dir).map((f) => ({
      name: f.replace(/\.jsonl$/, ''),
      url: `/api/examples/${encodeURIComponent(f)}`,
    })),
  }));
  app.get<{ Params: { file: string } }>('/api/examples/:file', async (req, reply) => {
    const file = exampleFiles(dir).find((f) => f === req.params.file);
    if (!file) return sendError(reply, 404, `no example ${JSON.stringify(req.params.file)}`);
    return reply.type('application/x-ndjson; charset=utf-8').send(readFileSync(join(dir, file), 'utf8'));
  });
}
