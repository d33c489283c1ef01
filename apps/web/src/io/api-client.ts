// The collector's HTTP API (same origin, relative URLs), with the bearer token when one is set.
import type {
  ApiError,
  RunListItem,
  ScenarioListItem,
  ScenarioRunRequest,
  ScenarioRunResponse,
} from '@causelane/trace-schema/api';
import { authHeaders } from './auth-token.ts';

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  if (!res.ok) {
    let message = `${init.method ?? 'GET'} ${path}: HTTP ${res.status}`;
    try {
      const body = (await res.json()) as ApiError;
      if (body.error) message = `${message}: ${body.error}`;
    } catch {
      // Not JSON: the status line says enough.
    }
    throw new ApiRequestError(message, res.status);
  }
  return (await res.json()) as T;
}

export const listRuns = () => api<{ runs: RunListItem[] }>('/api/runs').then((r) => r.runs);
export const listScenarios = () =>
  api<{ scenarios: ScenarioListItem[] }>('/api/scenarios').then((r) => r.scenarios);
export const runScenario = (name: string, req: ScenarioRunRequest) =>
  api<ScenarioRunResponse>(`/api/scenarios/${encodeURIComponent(name)}/run`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(req),
  });
export const runEventsUrl = (run: string) => `/api/runs/${encodeURIComponent(run)}/events`;
