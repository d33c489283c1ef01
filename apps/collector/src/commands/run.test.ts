import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRuns } from '@causelane/analysis';
import { readTraceText } from '@causelane/trace-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from './cli-error.ts';
import { runCommand } from './run.ts';
import { scenarioList } from './scenarios.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'causelane-run-'));
  dirs.push(d);
  return d;
};

describe('causelane run / scenarios', () => {
  it('lists every scenario as { name, title, expects }', () => {
    const list = scenarioList();
    expect(list.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(list[0]!).sort()).toEqual(['expects', 'name', 'title']);
  });

  it('writes a naive trace whose anomalies are the scenario’s, and a clean causal one', async () => {
    const dir = tmp();
    const naive = join(dir, 'naive.jsonl');
    const out = await runCommand('lost-update', { mode: 'naive', seed: '2', out: naive, timeScale: '50' });
    expect(out).toContain(`trace written to ${naive}`);
    const report = analyzeRuns(readTraceText(readFileSync(naive, 'utf8')).runs);
    expect(report.anomalies.map((a) => a.type)).toContain('ww-conflict');

    await runCommand('lost-update', { mode: 'causal', timeScale: '50', runsDir: dir });
    const file = readdirSync(dir).find((f) => f.startsWith('lost-update-causal-'))!;
    const clean = analyzeRuns(readTraceText(readFileSync(join(dir, file), 'utf8')).runs);
    expect(clean.runs).toHaveLength(1);
    expect(clean.anomalies.filter((a) => a.severity !== 'info')).toEqual([]);
  });

  it('rejects bad input with a clear message and no file', async () => {
    const dir = tmp();
    await expect(runCommand('nope', { mode: 'naive', runsDir: dir })).rejects.toThrow(CliError);
    await expect(runCommand('lost-update', { mode: 'fast', runsDir: dir })).rejects.toThrow(
      '--mode must be naive or causal, got "fast"',
    );
    await expect(runCommand('lost-update', { mode: 'naive', seed: 'x', runsDir: dir })).rejects.toThrow(
      /--seed/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
