// `causelane serve` and OTLP/gRPC as a user runs it: the gRPC port is printed and takes the real
// gRPC exporter, `--no-otlp-grpc` turns it off, and a port already in use stops serve with a
// clear error.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playAgentScript } from '@causelane/importers/testing';
import type { RunListItem } from '@causelane/trace-schema';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCollector } from '../testing/collector-process.ts';
import { CORRECT_AGENT, exportThrough } from '../testing/otlp-exporters.ts';
import { CLI_BIN } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-serve-otlp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('causelane serve with OTLP/gRPC', () => {
  it('prints the gRPC endpoint, which takes the real gRPC exporter', async () => {
    const p = await spawnCollector(['--port', '0', '--db', join(dir, 'a.db')], {
      env: { CAUSELANE_TOKEN: '' },
    });
    try {
      await expect.poll(() => /OTLP\/gRPC http:\/\/127\.0\.0\.1:(\d+)/.exec(p.output())).not.toBeNull();
      const port = Number(/OTLP\/gRPC http:\/\/127\.0\.0\.1:(\d+)/.exec(p.output())![1]);
      expect(p.output()).toContain(`OTLP/HTTP ${p.url}/v1/traces`);
      await exportThrough(new OTLPTraceExporter({ url: `http://127.0.0.1:${port}` }), (provider) =>
        playAgentScript(provider, CORRECT_AGENT),
      );
      await expect
        .poll(async () =>
          ((await (await fetch(`${p.url}/api/runs`)).json()) as { runs: RunListItem[] }).runs.map(
            (r) => r.id,
          ),
        )
        .toEqual(['conv-correct']);
    } finally {
      await p.stop();
    }
  }, 60_000);

  it('--no-otlp-grpc listens on HTTP only; a taken gRPC port stops serve with the options to use', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const [off, taken] = await Promise.all([
        spawnCollector(['--port', '0', '--db', join(dir, 'b.db'), '--no-otlp-grpc'], {
          env: { CAUSELANE_TOKEN: '' },
        }),
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            [CLI_BIN, 'serve', '--port', '0', '--db', join(dir, 'c.db'), '--otlp-grpc-port', String(port)],
            { env: { ...process.env, CAUSELANE_TOKEN: '' } },
          );
          let stderr = '';
          child.stderr.on('data', (d: Buffer) => {
            stderr += d.toString();
          });
          child.on('close', (code) => resolve({ code, stderr }));
        }),
      ]);
      try {
        expect(off.output()).toContain(`OTLP/HTTP ${off.url}/v1/traces`);
        expect(off.output()).not.toContain('OTLP/gRPC');
      } finally {
        await off.stop();
      }
      expect(taken.code).not.toBe(0);
      expect(taken.stderr).toContain(
        `OTLP/gRPC port ${port} on 127.0.0.1 is already in use (another OpenTelemetry collector?): pass --otlp-grpc-port with a free port, 0 to pick one, or --no-otlp-grpc`,
      );
      expect(taken.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 60_000);
});
