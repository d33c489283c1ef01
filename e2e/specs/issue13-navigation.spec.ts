// Navigation (issue 13): opening a run, a comparison or a selection pushes history so Back and
// Forward work, a comparison is deep-linkable, and the theme follows prefers-color-scheme until the
// user picks one, which is remembered.
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';
import { RunListPanel } from '../pages/run-list-panel.ts';

const base = () => process.env.CAUSELANE_URL!;

async function postRun(request: import('@playwright/test').APIRequestContext, run: string) {
  const ev = (seq: number, body: Record<string, unknown>) =>
    JSON.stringify({ v: 1, run, seq, t: 1_760_000_000_000 + seq * 10, ...body });
  const lines = [
    ev(0, { type: 'run.start', agent: 'nav-agent' }),
    ev(1, { type: 'llm.request', turn: 1 }),
    ev(2, { type: 'llm.response', turn: 1, calls: [{ id: 'c1', name: 'lookup' }] }),
    ev(3, { type: 'tool.start', turn: 1, call: 'c1' }),
    ev(4, { type: 'tool.end', turn: 1, call: 'c1', ok: true }),
    ev(5, { type: 'tool.commit', turn: 1, call: 'c1' }),
    ev(6, { type: 'run.end', status: 'ok' }),
  ];
  const res = await request.post(`${base()}/api/runs`, {
    data: `${lines.join('\n')}\n`,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status()).toBe(201);
}

test('Back and Forward move between opened runs and selections', async ({ page, request }) => {
  const a = `nav-a-${Date.now()}`;
  const b = `nav-b-${Date.now()}`;
  await postRun(request, a);
  await postRun(request, b);
  const app = new DebuggerPage(page);
  const runs = new RunListPanel(page);
  await app.goto();
  await runs.open(a);
  await app.waitReady();
  await runs.open(b);
  await expect.poll(() => app.query().get('run')).toBe(b);
  await app.search('lookup');
  await page.getByTestId('search-input').press('Enter');
  await expect.poll(() => app.query().get('call')).toBe('c1');

  await page.goBack();
  await expect.poll(() => app.query().get('call')).toBeNull();
  await expect(page.getByTestId('inspector-call-id')).toHaveCount(0);
  await page.goBack();
  await expect.poll(() => app.query().get('run')).toBe(a);
  await expect(page.locator('.source')).toHaveText(`collector run ${a}`);
  await page.goForward();
  await expect(page.locator('.source')).toHaveText(`collector run ${b}`);
});

test('a comparison is deep-linkable: its link reopens both runs without running them again', async ({
  page,
  browser,
  request,
}) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.runScenario('hung-tool');
  await expect(page.getByTestId('compare-causal')).toHaveAttribute('data-status', /ok|error|cancelled/, {
    timeout: 60_000,
  });
  const naive = await page.getByTestId('compare-naive').getAttribute('data-run');
  await expect.poll(() => app.query().get('naive')).toBe(naive);
  const link = page.url();
  expect(new URL(link).searchParams.get('compare')).toBe('hung-tool');
  const before = ((await (await request.get(`${base()}/api/runs?limit=5000`)).json()) as { runs: unknown[] })
    .runs.length;

  const other = await browser.newPage();
  await other.goto(link);
  await expect(other.getByTestId('compare-naive')).toHaveAttribute('data-run', naive!);
  await expect(other.getByTestId('compare-naive')).toHaveAttribute('data-status', /ok|error|cancelled/);
  const after = ((await (await request.get(`${base()}/api/runs?limit=5000`)).json()) as { runs: unknown[] })
    .runs.length;
  expect(after).toBe(before);
  await other.close();
});

test('the theme follows prefers-color-scheme, and a pick is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  const app = new DebuggerPage(page);
  await app.goto();
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  await expect.poll(theme).toBe('light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(theme).toBe('dark');
  await page.getByTestId('theme-toggle').click();
  await expect.poll(theme).toBe('light');
  await page.reload();
  await expect.poll(theme).toBe('light');
  // Picked: the system no longer decides.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(200);
  expect(await theme()).toBe('light');
});
