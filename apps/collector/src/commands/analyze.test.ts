import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, runCli } from '../testing/run-cli.ts';

const keyOf = (a: { run: string; type: string; severity: string; turn: number; call: string | null }) =>
  `${a.run}|${a.type}|${a.severity}|${a.turn}|${a.call ?? ''}`;

describe('causelane analyze', () => {
  it('prints the expected anomalies as JSON with exit 1 for the stale-read example', async () => {
    const r = await runCli(['analyze', `${EXAMPLES}stale-read.jsonl`, '--json']);
    const expected = JSON.parse(readFileSync(`${EXAMPLES}stale-read.expect.json`, 'utf8'));
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.anomalies.map(keyOf).sort()).toEqual([...expected.anomalies].sort());
    expect(out.runs[0]).toMatchObject({ run: 'inventory', agent: 'shop-assistant', events: 12 });
  });

  it('prints a human summary and exits 0 when nothing is an error', async () => {
    const r = await runCli(['analyze', `${EXAMPLES}causal-timeout.jsonl`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^run guarded \[causal\]: 14 events, 2 turns, 2 calls, 59 ms; 0 error, 0 warning, 1 info$/m,
    );
    expect(r.stdout).toMatch(/info {4}orphaned-result turn 1 call web: .*orphaned-results buffer/);
  });

  it('reads standard input with -', async () => {
    const r = await runCli(['analyze', '-', '--json'], {
      stdin: readFileSync(`${EXAMPLES}impatient-loop.jsonl`, 'utf8'),
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).anomalies.map(keyOf).sort()).toEqual([
      'impatient|late-commit|error|1|web',
      'impatient|premature-llm-call|error|2|web',
    ]);
  });

  it('rejects invalid input with exit 2, FILE:LINE: field, nothing on stdout and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causelane-'));
    const file = join(dir, 'bad.jsonl');
    const good = readFileSync(`${EXAMPLES}lost-update.jsonl`, 'utf8').split('\n');
    good.splice(2, 0, '{"v":1,"run":"edits","seq":99,"t":1,"type":"tool.end","turn":1,"call":"e1"}', 'nope');
    writeFileSync(file, good.join('\n'));
    const r = await runCli(['analyze', file, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}:3: field ok: required for tool.end, but missing`,
      `${file}:4: field (line): not valid JSON (Unexpected token 'o', "nope" is not valid JSON)`,
    ]);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('drops a repeat with the same content in another key order, and rejects one with other content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causelane-'));
    const lines = readFileSync(`${EXAMPLES}lost-update.jsonl`, 'utf8').trimEnd().split('\n');
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(lines[4]!)).reverse()));
    const same = join(dir, 'same.jsonl');
    writeFileSync(same, [...lines, reordered, lines[2]].join('\n'));
    const ok = await runCli(['analyze', same, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).anomalies.map(keyOf)).toEqual(['edits|ww-conflict|warning|1|e2']);
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, [...lines, lines[4]!.replace('"version":2', '"version":5')].join('\n'));
    const bad = await runCli(['analyze', other]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim()).toBe(
      `${other}:10: field seq: run "edits" seq 4 repeats line 5 with different content`,
    );
  });

  it('names a missing file clearly', async () => {
    const r = await runCli(['analyze', 'no/such/file.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('no/such/file.jsonl: cannot read: no such file');
  });
});
