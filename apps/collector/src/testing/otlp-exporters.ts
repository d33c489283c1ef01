// Test support for the OTLP transports: agent scripts played through a real OTel SDK provider into
// a real exporter, the SDK's diag log (where exporters report partialSuccess), and the run list and
// anomalies as a browser reads them. Kept out of the `./testing` entry, like otlp-requests.ts.

import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import { anomalyKey } from '@causelane/analysis';
import { type AgentScript, correctAgentScript } from '@causelane/importers/testing';
import type { RunListItem } from '@causelane/trace-schema';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TestCollector } from './test-collector.ts';

/** A correct loop: both results arrive before turn 2, which holds them in call order. */
export const CORRECT_AGENT: AgentScript = correctAgentScript('conv-correct');
export const IMPATIENT_ANOMALIES = [
  'conv-impatient|late-commit|error|1|call_search',
  'conv-impatient|premature-llm-call|error|2|call_search',
];

/** Warnings the OTel SDK logs through diag (where exporters report partialSuccess). */
export function captureDiagWarnings(): { warnings: string[]; restore(): void } {
  const warnings: string[] = [];
  const keep = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  const logger: DiagLogger = { error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { warnings, restore: () => diag.disable() };
}

export async function exportThrough(exporter: SpanExporter, play: (p: BasicTracerProvider) => void) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'trip-agent' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 2, scheduledDelayMillis: 5 })],
  });
  play(provider);
  try {
    // Rejects with the exporter's error when the collector refuses the export.
    await provider.forceFlush();
  } finally {
    await provider.shutdown().catch(() => {});
  }
}

export async function listedRuns(c: TestCollector, token?: string): Promise<RunListItem[]> {
  await c.store.summariesIdle();
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return ((await (await fetch(`${c.url}/api/runs`, { headers })).json()) as { runs: RunListItem[] }).runs;
}

export async function anomalyKeys(c: TestCollector, run: string, token?: string): Promise<string[]> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(`${c.url}/api/runs/${run}/anomalies`, { headers });
  return ((await res.json()) as { anomalies: Parameters<typeof anomalyKey>[0][] }).anomalies
    .map(anomalyKey)
    .sort();
}

/** The anomalies of a run above `info`, as `run|kind|severity|turn|call` keys. */
export async function seriousAnomalies(c: TestCollector, run: string, token?: string): Promise<string[]> {
  return (await anomalyKeys(c, run, token)).filter((k) => !k.includes('|info|'));
}

/** A loopback HTTP proxy in front of `target` that keeps each request's headers: what an exporter really sent. */
export async function recordingProxy(
  target: string,
): Promise<{ url: string; requests: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const requests: IncomingHttpHeaders[] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    requests.push(req.headers);
    const out = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
