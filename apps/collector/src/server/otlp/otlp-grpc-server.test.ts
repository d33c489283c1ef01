// OTLP/gRPC TraceService/Export fed by the real `@opentelemetry/exporter-trace-otlp-grpc` exporter,
// against a real collector whose gRPC port is 0: runs listed with their anomalies, the token in
// metadata, partialSuccess in the exporter's log, and a clear error when the port is taken.
import { createServer } from 'node:net';
import { impatientAgentScript, playAgentScript } from '@causelane/importers/testing';
import { credentials, Metadata, makeGenericClientConstructor, status } from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import {
  anomalyKeys,
  CORRECT_AGENT,
  captureDiagWarnings,
  exportThrough,
  IMPATIENT_ANOMALIES,
  listedRuns,
  seriousAnomalies,
} from '../../testing/otlp-exporters.ts';
import { startTestCollector, type TestCollector } from '../../testing/test-collector.ts';
import { OTLP_GRPC_EXPORT_PATH } from './otlp-grpc-server.ts';

let c: TestCollector | undefined;
let diagLog: ReturnType<typeof captureDiagWarnings> | undefined;
afterEach(async () => {
  diagLog?.restore();
  diagLog = undefined;
  await c?.dispose();
  c = undefined;
});

function grpcExporter(port: number, token?: string, compression?: 'gzip'): OTLPTraceExporter {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return new OTLPTraceExporter({
    url: `http://127.0.0.1:${port}`,
    metadata,
    ...(compression ? { compression: compression as never } : {}),
  });
}

describe('OTLP/gRPC TraceService/Export', () => {
  it.each([undefined, 'gzip'] as const)(
    'takes the real gRPC exporter (compression %s): the runs are listed with the right anomalies',
    async (compression) => {
      c = await startTestCollector({ otlpGrpcPort: 0 });
      expect(c.otlpGrpcPort).toBeGreaterThan(0);
      diagLog = captureDiagWarnings();
      await exportThrough(grpcExporter(c.otlpGrpcPort!, undefined, compression), (p) => {
        playAgentScript(p, impatientAgentScript('conv-impatient'));
        playAgentScript(p, CORRECT_AGENT);
      });
      expect(diagLog.warnings).toEqual([]);
      const runs = await listedRuns(c);
      expect(runs.map((r) => r.id).sort()).toEqual(['conv-correct', 'conv-impatient']);
      expect(await anomalyKeys(c, 'conv-impatient')).toEqual(IMPATIENT_ANOMALIES);
      expect(await seriousAnomalies(c, 'conv-correct')).toEqual([]);
    },
  );

  it('refuses an export without the token (UNAUTHENTICATED) and takes it with the token', async () => {
    c = await startTestCollector({ otlpGrpcPort: 0, token: 'grpc-tok' });
    const send = (exporter: OTLPTraceExporter) =>
      exportThrough(exporter, (p) => playAgentScript(p, CORRECT_AGENT));
    const refusal =
      /^16 UNAUTHENTICATED: unauthorized: send the collector token as gRPC metadata "authorization: Bearer TOKEN"/;
    // forceFlush rejects with the errors of the refused exports.
    const refused = (exporter: OTLPTraceExporter) =>
      send(exporter).then(
        () => [],
        (e: unknown) => [e].flat() as Error[],
      );
    for (const token of [undefined, 'wrong']) {
      const errors = await refused(grpcExporter(c.otlpGrpcPort!, token));
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e.message).toMatch(refusal);
    }
    expect(await listedRuns(c, 'grpc-tok')).toEqual([]);
    diagLog = captureDiagWarnings();
    await send(grpcExporter(c.otlpGrpcPort!, 'grpc-tok'));
    expect(diagLog.warnings).toEqual([]);
    expect((await listedRuns(c, 'grpc-tok')).map((r) => r.id)).toEqual(['conv-correct']);
  });

  it('answers partialSuccess for spans without agent semantics, which the exporter logs', async () => {
    c = await startTestCollector({ otlpGrpcPort: 0 });
    diagLog = captureDiagWarnings();
    await exportThrough(grpcExporter(c.otlpGrpcPort!), (p) =>
      p.getTracer('http').startSpan('GET /health').end(),
    );
    const logged = diagLog.warnings.join('\n');
    expect(logged).toContain('Received Partial Success response');
    expect(logged).toContain('1 span carry no agent semantics');
    expect(logged).toContain('GET /health');
    expect(await listedRuns(c)).toEqual([]);
  });

  it('refuses a gzip message that inflates past the body limit (RESOURCE_EXHAUSTED), storing nothing', async () => {
    c = await startTestCollector({ otlpGrpcPort: 0, limits: { maxBodyBytes: 1024 * 1024 } });
    const bytes = (b: Buffer) => b;
    const method = { path: OTLP_GRPC_EXPORT_PATH, requestStream: false, responseStream: false };
    const TraceService = makeGenericClientConstructor(
      {
        Export: {
          ...method,
          requestSerialize: bytes,
          requestDeserialize: bytes,
          responseSerialize: bytes,
          responseDeserialize: bytes,
        },
      },
      'TraceService',
    );
    const client = new TraceService(`127.0.0.1:${c.otlpGrpcPort}`, credentials.createInsecure(), {
      'grpc.default_compression_algorithm': 2, // gzip
    }) as unknown as {
      Export(req: Buffer, md: Metadata, cb: (err: { code: number; details: string } | null) => void): void;
      close(): void;
    };
    try {
      // 64 MiB of zeros is a few dozen KiB of gzip on the wire.
      const err = await new Promise<{ code: number; details: string } | null>((resolve) =>
        client.Export(Buffer.alloc(64 * 1024 * 1024), new Metadata(), resolve),
      );
      expect(err).toMatchObject({
        code: status.RESOURCE_EXHAUSTED,
        details: expect.stringContaining('1048576'),
      });
    } finally {
      client.close();
    }
    expect(await listedRuns(c)).toEqual([]);
  });

  it('fails to start with a clear error when the gRPC port is taken, leaving nothing listening', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      await expect(startTestCollector({ otlpGrpcPort: port })).rejects.toThrow(
        `OTLP/gRPC port ${port} on 127.0.0.1 is already in use (another OpenTelemetry collector?): pass --otlp-grpc-port with a free port, 0 to pick one, or --no-otlp-grpc`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
