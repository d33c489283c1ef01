import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRuns } from '@causelane/analysis';
import { SCENARIOS } from '@causelane/sdk';
import { readTraceText } from '@causelane/trace-schema';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startCollector } from '../server/collector.ts';
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

/** A loopback port nobody listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

  it('finishes when the collector is unreachable: exit 1, one line, and the complete trace in the file', async () => {
    const dir = tmp();
    const out = join(dir, 'x.jsonl');
    const collector = `http://127.0.0.1:${await deadPort()}`;
    const err: unknown = await runCommand('read-write-race', {
      mode: 'causal',
      out,
      collector,
      timeScale: '50',
      collectorTimeout: '150',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    const { message, exitCode } = err as CliError;
    expect(exitCode).toBe(1);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('trace sent');
    const m =
      /the collector at (\S+) did not acknowledge (\d+) of (\d+) events .*; the complete trace is in (.+)$/.exec(
        message,
      );
    expect(m?.slice(1)).toEqual([collector, m?.[3], m?.[3], out]);
    const parsed = readTraceText(readFileSync(out, 'utf8'));
    expect(parsed.errors).toEqual([]);
    const events = [...parsed.runs.values()][0]!;
    expect(events.map((e) => e.seq)).toEqual([...Array(Number(m?.[3])).keys()]);
    expect(events.at(-1)?.type).toBe('run.end');
  });

  it('says the trace was sent only once the collector acknowledged every event', async () => {
    const dir = tmp();
    const quiet = { info: () => {}, error: () => {} };
    const collector = await startCollector({
      db: join(dir, 'c.sqlite'),
      port: 0,
      scenarioSdk: null,
      log: quiet,
    });
    try {
      const out = join(dir, 'x.jsonl');
      const text = await runCommand('read-write-race', {
        mode: 'causal',
        out,
        collector: collector.url,
        timeScale: '50',
      });
      const m = /trace sent to (\S+) \(run (\S+)\): all (\d+) events acknowledged/.exec(text);
      expect(m?.[1]).toBe(collector.url);
      expect(await collector.store.runEvents(m![2]!)).toHaveLength(Number(m![3]));
      expect(readTraceText(readFileSync(out, 'utf8')).runs.get(m![2]!)).toHaveLength(Number(m![3]));
    } finally {
      await collector.close();
    }
  });

  it('rejects a bad --collector-timeout, 0 included', async () => {
    for (const bad of ['-1', '0', '1.5', 'soon']) {
      await expect(
        runCommand('lost-update', { mode: 'naive', collectorTimeout: bad, runsDir: tmp() }),
      ).rejects.toThrow(`--collector-timeout must be a whole number of ms > 0, got "${bad}"`);
    }
  });

  it('bounds only the collector by --collector-timeout, never the file', async () => {
    const dir = tmp();
    const out = join(dir, 'z.jsonl');
    // 1 ms is far too short for a file to be appended, synced and closed; it must not matter.
    const text = await runCommand('impatient-loop', {
      mode: 'naive',
      out,
      timeScale: '100',
      collectorTimeout: '1',
    });
    const events = [...readTraceText(readFileSync(out, 'utf8')).runs.values()][0]!;
    expect(text).toContain(`${events.length} events`);
    expect(events.at(-1)?.type).toBe('run.end');
  });

  it('gives up on a dead collector after one --collector-timeout, not one for the flush and another for close', async () => {
    const dir = tmp();
    const out = join(dir, 'x.jsonl');
    const t = 400;
    const t0 = performance.now();
    const err: unknown = await runCommand('read-write-race', {
      mode: 'naive',
      out,
      collector: `http://127.0.0.1:${await deadPort()}`,
      timeScale: '50',
      collectorTimeout: String(t),
    }).catch((e: unknown) => e);
    const elapsed = performance.now() - t0;
    expect((err as CliError).message).toMatch(/did not acknowledge .*; the complete trace is in /);
    expect(elapsed).toBeGreaterThanOrEqual(t - 5);
    // The scenario itself takes tens of ms at this speed; two timeouts in a row would be >= 2t.
    expect(elapsed).toBeLessThan(2 * t - 50);
  });

  it('says both when the scenario fails and the collector did not get the trace', async () => {
    const scenario = SCENARIOS.find((s) => s.name === 'lost-update')!;
    const setup = scenario.setup.bind(scenario);
    const spy = vi.spyOn(scenario, 'setup').mockImplementation((world) => ({
      ...setup(world),
      plan: [
        () => {
          throw new Error('model exploded');
        },
      ],
    }));
    try {
      const dir = tmp();
      const out = join(dir, 'x.jsonl');
      const collector = `http://127.0.0.1:${await deadPort()}`;
      const err: unknown = await runCommand('lost-update', {
        mode: 'naive',
        out,
        collector,
        timeScale: '50',
        collectorTimeout: '100',
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(1);
      expect((err as CliError).message).toMatch(
        new RegExp(
          `^causelane run \\S+: scenario lost-update failed: model exploded; the collector at ${collector} did not acknowledge \\d+ of \\d+ events .*; the complete trace is in ${out}$`,
        ),
      );
    } finally {
      spy.mockRestore();
    }
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
