// Exporting the open run from the web app: the toolbar's Export menu downloads format-v1 JSONL (the
// loaded events, args and results included) and a Chrome trace that Perfetto UI can open.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../../shared/examples');
const EXAMPLE = join(EXAMPLES, 'impatient-loop.jsonl');

type Event = { run: string; seq: number } & Record<string, unknown>;

function eventsBySeq(text: string): Event[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Event)
    .sort((a, b) => a.seq - b.seq);
}

test('the open run exports as JSONL v1 and as a Chrome trace', async ({ page }) => {
  const expected = JSON.parse(readFileSync(join(EXAMPLES, 'impatient-loop.expect.json'), 'utf8')) as {
    anomalies: string[];
  };
  const want = eventsBySeq(readFileSync(EXAMPLE, 'utf8'));
  const run = want[0]!.run;
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(EXAMPLE);
  await expect(app.anomalyItems).toHaveCount(expected.anomalies.length);

  const jsonl = await app.exportRun('jsonl');
  expect(jsonl.suggestedFilename()).toBe(`${run}.jsonl`);
  expect(eventsBySeq(readFileSync(await jsonl.path(), 'utf8'))).toEqual(want);

  const chrome = await app.exportRun('chrome');
  expect(chrome.suggestedFilename()).toBe(`${run}.trace.json`);
  const trace = JSON.parse(readFileSync(await chrome.path(), 'utf8')) as {
    traceEvents: { ph: string; name: string; cat?: string; ts?: number; args?: Record<string, unknown> }[];
  };
  expect(Array.isArray(trace.traceEvents)).toBe(true);
  const phases = new Set(trace.traceEvents.map((e) => e.ph));
  for (const ph of ['M', 'X', 's', 'f', 'i']) expect(phases, `phase ${ph}`).toContain(ph);
  for (const e of trace.traceEvents) if (e.ph !== 'M') expect(typeof e.ts).toBe('number');
  const instants = trace.traceEvents.filter((e) => e.ph === 'i');
  expect(
    instants
      .map((e) => `${run}|${e.args?.type}|${e.args?.severity}|${e.args?.turn}|${e.args?.call ?? ''}`)
      .sort(),
  ).toEqual([...expected.anomalies].sort());
  // Every call is a slice, and every flow arrow that starts also finishes.
  const count = (ph: string) => trace.traceEvents.filter((e) => e.ph === ph).length;
  expect(trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'tool')).toHaveLength(2);
  expect(count('s')).toBe(count('f'));
  await expect(page.getByTestId('export-error')).toHaveCount(0);
});
