// Live (issue 13): "Follow live" opens new runs on their own and keeps the view on the newest
// events; an offline indicator when the collector goes away; clear messages on actions that need it.
import { expect, test } from '@playwright/test';
import { startCollector } from '../collector-process.ts';
import { DebuggerPage } from '../pages/debugger-page.ts';

const base = () => process.env.CAUSELANE_URL!;
const ev = (run: string, seq: number, body: Record<string, unknown>) =>
  JSON.stringify({ v: 1, run, seq, t: 1_760_000_000_000 + seq * 10, ...body });

async function post(request: import('@playwright/test').APIRequestContext, lines: string[]) {
  const res = await request.post(`${base()}/api/runs`, {
    data: `${lines.join('\n')}\n`,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status()).toBe(201);
}

test('follow live opens a new run on its own and keeps the view on its newest events', async ({
  page,
  request,
}) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await page.getByTestId('follow-live').check();
  const run = `followed-${Date.now()}`;
  await post(request, [ev(run, 0, { type: 'run.start' }), ev(run, 1, { type: 'llm.request', turn: 1 })]);
  await expect(page.locator('.source')).toHaveText(`collector run ${run}`);
  await app.waitReady();
  await app.canvas.hover();
  for (let i = 0; i < 4; i++) await page.keyboard.press('w');
  const zoomed = await app.urlWindow();
  await post(request, [
    ev(run, 2, { type: 'llm.response', turn: 1, calls: [] }),
    ev(run, 3, { type: 'llm.request', turn: 2 }),
    ev(run, 4, { type: 'llm.response', turn: 2, calls: [] }),
  ]);
  await app.waitReady(5);
  await expect.poll(async () => (await app.urlWindow()).to).toBeGreaterThan(zoomed.to);
  await expect(page.getByTestId('live-badge')).toBeVisible();
});

test('the collector going away shows an offline indicator', async ({ page }) => {
  const own = await startCollector();
  try {
    const app = new DebuggerPage(page, own.url);
    await app.goto();
    await expect(page.getByTestId('follow-live')).toBeVisible();
    await own.stop();
    await expect(page.getByTestId('collector-offline')).toBeVisible({ timeout: 30_000 });
  } finally {
    await own.stop().catch(() => undefined);
  }
});

test('an action that needs the collector says clearly that it cannot be reached', async ({ page }) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await expect(page.getByTestId('scenario-select').first()).toBeVisible();
  await page.route('**/api/scenarios/*/run', (route) => route.abort('connectionrefused'));
  await app.runScenario('hung-tool');
  await expect(page.getByTestId('compare-error')).toContainText('cannot be reached');
  await expect(page.getByTestId('compare')).not.toContainText('Failed to fetch');
  await expect(page.getByTestId('compare')).not.toContainText('starting…');
});
