// The public example traces in ../shared/examples, read from there, against their expect files.
import { readdirSync, readFileSync } from 'node:fs';
import { readTraceText } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { analyzeRuns } from './analyze.ts';
import { anomalyKey } from './anomaly.ts';

const dir = new URL('../../../../shared/examples/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.slice(0, -'.jsonl'.length));

describe('public examples', () => {
  it('are all present', () => {
    expect(names.length).toBeGreaterThanOrEqual(4);
  });
  it.each(names)('%s gives exactly the expected anomalies and exit code', (name) => {
    const { runs, errors } = readTraceText(readFileSync(new URL(`${name}.jsonl`, dir), 'utf8'));
    expect(errors).toEqual([]);
    const expected = JSON.parse(readFileSync(new URL(`${name}.expect.json`, dir), 'utf8')) as {
      exit: number;
      anomalies: string[];
    };
    const report = analyzeRuns(runs);
    expect(report.anomalies.map(anomalyKey).sort()).toEqual([...expected.anomalies].sort());
    expect(report.anomalies.some((a) => a.severity === 'error') ? 1 : 0).toBe(expected.exit);
    for (const a of report.anomalies) {
      expect(a.seqs.length).toBeGreaterThan(0);
      expect(a.message.length).toBeGreaterThan(20);
    }
  });
});
