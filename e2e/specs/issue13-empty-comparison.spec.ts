// The empty state and the comparison (issue 13): one "Open an example" button per public example, a
// single scenario picker, snippets with this collector's URL and the install line; a comparison that
// says which anomalies fired in each run, on one time scale, and stays until the user leaves it.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../../shared/examples');
const names = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.replace(/\.jsonl$/, ''))
  .sort();

test('the empty state offers each example, one scenario picker, and snippets for this collector', async ({
  page,
}) => {
  const app = new DebuggerPage(page);
  await app.goto();
  const buttons = page.getByTestId('open-example');
  await expect(buttons).toHaveCount(names.length);
  expect(await buttons.evaluateAll((els) => els.map((e) => e.getAttribute('data-example')))).toEqual(names);
  await expect(page.getByTestId('scenario-picker')).toHaveCount(1);
  const snippet = page.getByTestId('agent-snippet');
  await expect(snippet).toContainText('npm install @causelane/sdk');
  await expect(snippet).toContainText(`new SocketIoSink({ url: '${new URL(app.baseUrl).origin}' })`);

  await app.openExample('impatient-loop');
  await expect.poll(async () => (await app.anomalyKeys()).length).toBe(2);
  await expect(page.getByTestId('scenario-picker')).toHaveCount(1);
  expect(app.query().get('src')).toBe('/api/examples/impatient-loop.jsonl');
});

test('a comparison names the anomalies of each run, shares one time scale, and stays on screen', async ({
  page,
  request,
}) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.runScenario('hung-tool');
  const naive = page.getByTestId('compare-naive');
  const causal = page.getByTestId('compare-causal');
  await expect(naive).toHaveAttribute('data-status', /ok|error|cancelled/, { timeout: 60_000 });
  await expect(causal).toHaveAttribute('data-status', /ok|error|cancelled/, { timeout: 60_000 });
  await expect(page.getByTestId('compare-naive-fired').locator('li[data-type="late-commit"]')).toContainText(
    'Late commit',
  );
  await expect(page.getByTestId('compare-causal-fired').locator('li[data-type="late-commit"]')).toHaveCount(
    0,
  );
  await expect
    .poll(
      async () =>
        (await naive.getAttribute('data-window-span')) === (await causal.getAttribute('data-window-span')),
    )
    .toBe(true);
  expect(await naive.getAttribute('data-window-span')).not.toBe('');

  // Other runs change on the collector; the finished comparison stays until the user leaves it.
  const run = `elsewhere-${Date.now()}`;
  await request.post(`${process.env.CAUSELANE_URL}/api/runs`, {
    data: `${JSON.stringify({ v: 1, run, seq: 0, t: 1, type: 'run.start' })}\n`,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  await page.waitForTimeout(2000);
  await expect(page.getByTestId('compare')).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('compare')).toHaveCount(0);
});
