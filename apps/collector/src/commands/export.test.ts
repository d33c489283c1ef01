// The export command and analyze's format detection and CI gate, through the real CLI.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordAgentOtlp } from '@causelane/importers/testing';
import { readTraceText } from '@causelane/trace-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-export-'));
const keys = (stdout: string) =>
  (
    JSON.parse(stdout).anomalies as { type: string; severity: string; turn: number; call: string | null }[]
  ).map((a) => `${a.type}|${a.severity}|${a.turn}|${a.call ?? ''}`);

let otlpFile: string;
beforeAll(() => {
  otlpFile = join(dir, 'agent.otlp.json');
  const otlp = recordAgentOtlp({
    conversationId: 'conv-1',
    turns: [
      {
        start: 0,
        end: 10,
        calls: [
          { id: 'a', name: 'search', start: 11, end: 40 },
          { id: 'b', name: 'calc', start: 11, end: 15 },
        ],
      },
      { start: 20, end: 30, calls: [], results: ['b'] },
    ],
  });
  writeFileSync(otlpFile, JSON.stringify(otlp, null, 2));
});

describe('causelane analyze detects other formats and gates CI', () => {
  it('reads OTLP JSON produced by the OpenTelemetry SDK', async () => {
    const r = await runCli(['analyze', otlpFile, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(keys(r.stdout)).toEqual(['premature-llm-call|error|2|a', 'orphaned-result|warning|1|a']);
  });

  it('lints an Anthropic history from stdin as GitHub annotations', async () => {
    const history = [
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 't1', name: 'book', input: {} },
          { type: 'tool_use', id: 't2', name: 'pay', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
    ];
    const r = await runCli(['analyze', '-', '--format', 'github'], { stdin: JSON.stringify(history) });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^::error title=Premature model call \(premature-llm-call\)::.*\[run stdin, turn 2, call t2, seq /,
    );
  });

  it('--fail-on warning fails on a commit-order warning that the default gate lets pass', async () => {
    const file = join(dir, 'swapped.json');
    const call = (id: string) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' } });
    writeFileSync(
      file,
      JSON.stringify({
        messages: [
          { role: 'assistant', tool_calls: [call('x'), call('y')] },
          { role: 'tool', tool_call_id: 'y', content: '' },
          { role: 'tool', tool_call_id: 'x', content: '' },
          { role: 'assistant', content: 'done' },
        ],
      }),
    );
    expect((await runCli(['analyze', file])).code).toBe(0);
    const strict = await runCli(['analyze', file, '--fail-on', 'warning', '--format', 'junit']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="causelane" tests="1" failures="1"/,
    );
    expect(strict.stdout).toContain('<testsuite name="run swapped"');
    expect(strict.stdout).toContain('<failure message="');
  });

  it('rejects a bad option value and bad OTLP with exit 2 and nothing on stdout', async () => {
    expect((await runCli(['analyze', otlpFile, '--fail-on', 'info'])).code).toBe(2);
    const bad = join(dir, 'bad.otlp.json');
    const otlp = JSON.parse(readFileSync(otlpFile, 'utf8'));
    otlp.resourceSpans[0].scopeSpans[0].spans[1].endTimeUnixNano = -5;
    writeFileSync(bad, JSON.stringify(otlp, null, 2));
    const r = await runCli(['analyze', bad, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `${bad}: $.resourceSpans[0].scopeSpans[0].spans[1].endTimeUnixNano: expected nanoseconds since the epoch, got -5`,
    );
  });
});

describe('causelane export', () => {
  it('writes Chrome Trace Event JSON with turns, calls and anomalies', async () => {
    const out = join(dir, 'impatient.trace.json');
    const r = await runCli(['export', `${EXAMPLES}impatient-loop.jsonl`, '--to', 'chrome', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^wrote .*impatient\.trace\.json \(chrome, 1 runs, 12 events from jsonl\)/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { ph: string; cat?: string }[] };
    const phases = doc.traceEvents.map((e) => `${e.ph}:${e.cat ?? ''}`);
    expect(phases.filter((p) => p === 'X:turn')).toHaveLength(2);
    // Calls are complete slices on lane threads; causality (results into the model, late commits)
    // is drawn as flow arrows, each start paired with one finish.
    expect(phases.filter((p) => p === 'X:tool')).toHaveLength(2);
    const flowStarts = phases.filter((p) => p === 's:causality').length;
    expect(flowStarts).toBeGreaterThan(0);
    expect(phases.filter((p) => p === 'f:causality')).toHaveLength(flowStarts);
    expect(phases.filter((p) => p === 'i:anomaly')).toHaveLength(2);
  });

  it('converts OTLP to format-v1 JSONL that reads back cleanly', async () => {
    const r = await runCli(['export', otlpFile, '--to', 'jsonl']);
    expect(r.code).toBe(0);
    const back = readTraceText(r.stdout);
    expect(back.errors).toEqual([]);
    expect([...back.runs.keys()]).toEqual(['conv-1']);
    expect(back.runs.get('conv-1')!.map((e) => e.type)).toContain('tool.commit');
  });
});
