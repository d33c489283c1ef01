// Issue 15: a multi-run file paints its active run before the worker has analyzed the others; the
// run picker shows "analyzing…" (no count) for a run not analyzed yet, then each run's counts as
// `causelane analyze` gives them; the run a link names is the one analyzed and painted first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRuns } from '@causelane/analysis';
import { benchShape, benchShapeChunks } from '@causelane/analysis/testing';
import { readTraceText } from '@causelane/trace-schema';
import { expect, type Page, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 || one === 'info' ? '' : 's'}`;

// 40 runs of 10k events (args and results on every call, every fault kind), and the run picker's
// options as `causelane analyze` (analyzeRuns) counts them.
const text = [...benchShapeChunks(benchShape('40-runs'), 400_000)].join('');
const report = analyzeRuns(readTraceText(text).runs);
const runs = report.runs.map((r) => r.run);
const want = report.runs.map(
  ({ run, anomalies: c }) =>
    `${run} · ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')}`,
);

interface AtReady {
  run: string | null;
  options: number;
  analyzed: number;
  status: string | null;
  labels: string[];
}

/** Records what the run picker showed at the moment each run's first frame was drawn. */
async function recordAtReady(page: Page): Promise<() => Promise<AtReady[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { atReady: unknown[] };
    w.atReady = [];
    const mark = performance.mark.bind(performance);
    performance.mark = ((name: string, opts?: PerformanceMarkOptions) => {
      if (name === 'causelane:ready') {
        const options = Array.from(document.querySelectorAll('[data-testid=run-select] option'));
        w.atReady.push({
          run: (opts?.detail as { run: string } | undefined)?.run ?? null,
          at: performance.now(),
          options: options.length,
          analyzed: options.filter((o) => o.getAttribute('data-analyzed') === 'yes').length,
          status: document.querySelector('[data-testid=run-analysis]')?.textContent ?? null,
          labels: options.map((o) => o.textContent),
        });
      }
      return mark(name, opts);
    }) as typeof performance.mark;
  });
  return () => page.evaluate(() => (window as unknown as { atReady: AtReady[] }).atReady);
}

/** Every run's counts arrive, equal to analyzeRuns'; the first frame came before the last of them. */
async function expectAllCounts(page: Page): Promise<void> {
  await expect(page.getByTestId('run-analysis')).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('run-select').locator('option')).toHaveText(want);
  const marks = await page.evaluate(() => ({
    ready: performance.getEntriesByName('causelane:ready')[0]!.startTime,
    analyzed: performance.getEntriesByName('causelane:analyzed')[0]!.startTime,
  }));
  expect(marks.ready).toBeLessThan(marks.analyzed);
}

test('the active run paints first; the other runs show their counts as they are analyzed', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const file = join(mkdtempSync(join(tmpdir(), 'causelane-runs-')), 'forty.jsonl');
  writeFileSync(file, text);
  const atReady = await recordAtReady(page);
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(file);
  const [first] = await atReady();
  expect(first!.run).toBe(runs[0]);
  expect(first!.options).toBe(40);
  expect(first!.analyzed).toBeLessThan(40);
  expect(first!.status).toMatch(/^analyzing \d+ of 40 runs$/);
  // A run not analyzed yet shows no count at all, never a 0.
  expect(first!.labels[39]).toBe(`${runs[39]} · analyzing…`);
  expect(first!.labels[0]).toBe(want[0]);
  await expectAllCounts(page);
  // Another run opens with the counts the picker showed.
  await page.getByTestId('run-select').selectOption(runs[20]!);
  await expect.poll(async () => (await atReady()).map((a) => a.run)).toEqual([runs[0], runs[20]]);
  await expect(page.getByTestId('anomaly-panel')).toBeVisible();
});

test('the run a link names is analyzed and painted first, the others after it', async ({ page }) => {
  test.setTimeout(120_000);
  await page.route('**/traces/forty.jsonl', (route) =>
    route.fulfill({ body: text, contentType: 'application/x-ndjson' }),
  );
  const atReady = await recordAtReady(page);
  const app = new DebuggerPage(page);
  const last = runs[39]!;
  await app.goto(`?src=/traces/forty.jsonl&run=${last}`);
  await app.waitReady();
  const [first] = await atReady();
  expect(first!.run).toBe(last);
  expect(first!.labels[39]).toBe(want[39]);
  expect(first!.labels[0]).toBe(`${runs[0]} · analyzing…`);
  expect(first!.status).toMatch(/^analyzing \d+ of 40 runs$/);
  await expect(page.getByTestId('run-select')).toHaveValue(last);
  expect(app.query().get('run')).toBe(last);
  await expectAllCounts(page);
});
