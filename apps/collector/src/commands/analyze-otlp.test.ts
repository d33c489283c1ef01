// `causelane analyze` on OTLP files as the real OpenTelemetry JS serializers write them: a binary
// protobuf ExportTraceServiceRequest (`.pb`, also on standard input) and the collector file
// exporter's JSON lines, each detected from its content.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { impatientAgentScript, recordAgentOtlp, recordAgentOtlpProtobuf } from '@causelane/importers/testing';
import { describe, expect, it } from 'vitest';
import { CORRECT_AGENT, IMPATIENT_ANOMALIES } from '../testing/otlp-exporters.ts';
import { runCli } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-analyze-otlp-'));
const keyOf = (a: { run: string; type: string; severity: string; turn: number; call: string | null }) =>
  `${a.run}|${a.type}|${a.severity}|${a.turn}|${a.call ?? ''}`;
const impatient = impatientAgentScript('conv-impatient');

describe('causelane analyze reads OTLP files', () => {
  it('a protobuf .pb file and the same bytes on standard input', async () => {
    const file = join(dir, 'trace.pb');
    const bytes = recordAgentOtlpProtobuf(impatient);
    writeFileSync(file, bytes);
    for (const [args, stdin] of [
      [['analyze', file, '--json'], undefined],
      [['analyze', '-', '--json'], bytes],
    ] as const) {
      const r = await runCli([...args], stdin ? { stdin } : {});
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).anomalies.map(keyOf).sort()).toEqual(IMPATIENT_ANOMALIES);
    }
  });

  it('the file exporter JSON lines: a correct agent shows nothing above info', async () => {
    const file = join(dir, 'otel-traces.jsonl');
    const lines = [recordAgentOtlp(CORRECT_AGENT), recordAgentOtlp(impatient)].map((r) => JSON.stringify(r));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCli(['analyze', file, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { anomalies: Parameters<typeof keyOf>[0][] };
    const serious = out.anomalies
      .filter((a) => a.severity !== 'info')
      .map(keyOf)
      .sort();
    expect(serious).toEqual(IMPATIENT_ANOMALIES);
    const correctOnly = join(dir, 'correct.jsonl');
    writeFileSync(correctOnly, `${lines[0]}\n${lines[0]}\n`);
    const clean = await runCli(['analyze', correctOnly]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^run conv-correct .* 0 error, 0 warning/m);
  });

  it('names a truncated .pb or a cut file-exporter line, with exit 2 and no stack trace', async () => {
    const pb = recordAgentOtlpProtobuf(impatient);
    const cut = join(dir, 'cut.pb');
    writeFileSync(cut, pb.subarray(0, pb.length - 9));
    const bad = await runCli(['analyze', cut]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      new RegExp(
        `^${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\$: not a valid OTLP protobuf ExportTraceServiceRequest`,
      ),
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const half = join(dir, 'half.jsonl');
    const line = JSON.stringify(recordAgentOtlp(impatient));
    writeFileSync(half, `${line}\n${line.slice(0, 100)}\n`);
    const cutLine = await runCli(['analyze', half]);
    expect(cutLine.code).toBe(2);
    expect(cutLine.stderr).toContain(`${half}: line 2: not valid JSON`);
  });
});
