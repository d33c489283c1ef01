// The collector's HTTP API (same origin, relative URLs), with the bearer token when one is set. A
// collector that cannot be reached is a CollectorUnreachable error with a message a user can act on.
import type {
  ApiError,
  RunListItem,
  ScenarioListItem,
  ScenarioRunRequest,
  ScenarioRunResponse,
  UploadResponse,
} from '@causelane/trace-schema/protocol';
import { authHeaders } from './auth-token.ts';

/** fetch() failed before any answer: the collector is down or the network is gone. */
export class CollectorUnreachable extends Error {
  constructor(what: string) {
    super(
      `${what}: the collector at ${window.location.origin} cannot be reached. Start it with ` +
        '`pnpm causelane serve` (or check the network), then try again.',
    );
  }
}

async function api<T>(
  path: string,
  init: RequestInit = {},
  what = `${init.method ?? 'GET'} ${path}`,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  } catch {
    throw new CollectorUnreachable(what);
  }
  if (!res.ok) {
    let message = `${what}: HTTP ${res.status}`;
    try {
      const body = (await res.json()) as ApiError;
      if (body.error) message = `${what}: ${body.error}`;
      if (body.details?.length) message += ` (${body.details.slice(0, 3).join('; ')})`;
    } catch {
      // Not JSON: the status line says enough.
    }
    throw new Error(message);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export interface RunPage {
  runs: RunListItem[];
  /** Cursor for the next page, or null on the last one. */
  next: string | null;
}

export function listRuns(
  opts: { limit?: number; cursor?: string | null; q?: string } = {},
): Promise<RunPage> {
  const q = new URLSearchParams();
  if (opts.limit) q.set('limit', String(opts.limit));
  if (opts.cursor) q.set('cursor', opts.cursor);
  if (opts.q) q.set('q', opts.q);
  const qs = q.toString();
  return api<{ runs: RunListItem[]; next?: string | null }>(
    `/api/runs${qs ? `?${qs}` : ''}`,
    {},
    'listing runs',
  ).then((r) => ({ runs: r.runs, next: r.next ?? null }));
}

/** The run's summary, or null when the collector has no such run. */
export async function getRun(id: string): Promise<RunListItem | null> {
  try {
    return await api<RunListItem>(`/api/runs/${encodeURIComponent(id)}`, {}, `reading run ${id}`);
  } catch (err) {
    if (err instanceof CollectorUnreachable) throw err;
    if (/HTTP 404|no run/.test((err as Error).message)) return null;
    throw err;
  }
}

export const deleteRun = (id: string) =>
  api<void>(`/api/runs/${encodeURIComponent(id)}`, { method: 'DELETE' }, `deleting run ${id}`);

export const uploadTrace = (file: Blob, name: string) =>
  api<UploadResponse>(
    '/api/runs',
    { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: file },
    `uploading ${name}`,
  );

export const listScenarios = () =>
  api<{ scenarios: ScenarioListItem[] }>('/api/scenarios', {}, 'listing scenarios').then((r) => r.scenarios);

export const listExamples = () =>
  api<{ examples: { name: string; url: string }[] }>('/api/examples', {}, 'listing examples').then(
    (r) => r.examples,
  );

export const runScenario = (name: string, req: ScenarioRunRequest) =>
  api<ScenarioRunResponse>(
    `/api/scenarios/${encodeURIComponent(name)}/run`,
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(req) },
    `running scenario ${name}`,
  );
