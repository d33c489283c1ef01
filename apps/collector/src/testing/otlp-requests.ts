// Test support for the OTLP route: posts OTLP/HTTP JSON to a collector and reads a run back through
// the HTTP API, as an exporter and a browser would. Uses vitest's expect, so it is kept out of the
// `./testing` entry (which Playwright also loads).
import { readTraceText, type TraceEvent } from '@causelane/trace-schema';
import { expect } from 'vitest';

/** The shape of the OTLP JSON that recordAgentOtlp makes, as far as the tests take it apart. */
export interface OtlpRequest {
  resourceSpans: {
    resource?: unknown;
    scopeSpans: { scope?: unknown; spans: Record<string, unknown>[] }[];
  }[];
}

/** `POST /v1/traces` with a JSON body (a string is sent as is) and JSON content type unless overridden. */
export function postOtlp(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/v1/traces`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A run's stored events through `GET /api/runs/:id/events`, or null when the run does not exist. */
export async function storedEvents(url: string, run: string, token?: string): Promise<TraceEvent[] | null> {
  const res = await fetch(`${url}/api/runs/${encodeURIComponent(run)}/events`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.status === 401) throw new Error('unauthorized');
  if (res.status === 404) return null;
  const read = readTraceText(await res.text());
  expect(read.errors).toEqual([]);
  return read.runs.get(run) ?? [];
}
