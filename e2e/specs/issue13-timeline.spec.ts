// Reading the timeline as in Perfetto or DevTools (issue 13): hover cards, a readable time axis,
// reset and Escape, search with Enter, inclusive chips, jump to turn, full anomaly titles,
// turn-level anomalies selecting the turn, and the lifecycle in seq order.
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../../shared/examples');
const STALE = `${EXAMPLES}/stale-read.jsonl`;
// stale-read: 12 events; rows: 0 agent, 1 turn 1, 2 call_check (events 3..7), 3 call_restock (4..6), 4 turn 2.
const N = 12;

async function openStale(page: import('@playwright/test').Page, mode: 'time' | 'seq' = 'seq') {
  const app = new DebuggerPage(page);
  await app.goto(mode === 'seq' ? '?x=seq' : '');
  await app.openFile(STALE);
  return app;
}

test('hover cards on a bar, a marker and an anomaly flag', async ({ page }) => {
  const app = await openStale(page);
  const card = await app.hover(5, 2, N);
  await expect(card.locator('.hover-title')).toHaveText('check_stock');
  await expect(app.hoverValue('call id')).toHaveText('call_check');
  await expect(app.hoverValue('turn')).toHaveText('1');
  await expect(app.hoverValue('status')).toHaveText('ok · committed');
  await expect(app.hoverValue('duration')).toHaveText(/^\d+(\.\d+)? ms$/);
  await expect(app.hoverValue('start')).toHaveText(/^\+\d+(\.\d+)? ms$/);
  await expect(app.hoverValue('wall clock')).toHaveText(/^2025-10-09 08:53:20\.\d{3} UTC$/);
  await expect(app.hoverValue('args')).toHaveText('{"sku":"A-1"}');
  await expect(app.hoverValue('outcome')).toHaveText('{"stock":0}');

  await app.hover(6, 3, N);
  await expect(card.locator('.hover-title')).toHaveText('commit of restock');
  await expect(app.hoverValue('event')).toHaveText('tool.commit · seq 6');

  // Flags sit at the top of a row: find the stale-read flag on call_check's row.
  let found = false;
  for (let i = 0; i < N && !found; i++) {
    const p = await app.pointAt(i, 2, N);
    await page.mouse.move(p.x, p.y - 6);
    found =
      (
        await card
          .locator('.hover-title')
          .textContent({ timeout: 500 })
          .catch(() => '')
      )?.startsWith('Stale read') ?? false;
  }
  expect(found).toBe(true);
  await expect(app.hoverValue('code')).toHaveText('stale-read');
  await page.mouse.move(5, 5);
  await expect(card).toHaveCount(0);
});

test('the time axis reads as time since the start, seq ticks are whole, 0 and double-click reset', async ({
  page,
}) => {
  const app = await openStale(page, 'time');
  const labels = () => page.getByTestId('time-axis').locator('.axis-tick-label').allTextContents();
  await expect.poll(async () => (await labels()).length).toBeGreaterThan(2);
  for (const l of await labels()) expect(l).toMatch(/^\+\d+(\.\d+)? (µs|ms|s)$/);
  const full = await app.urlWindow();

  await page.getByTestId('mode-seq').click();
  await app.canvas.hover();
  for (let i = 0; i < 8; i++) await page.keyboard.press('w');
  await expect.poll(async () => (await labels()).length).toBeGreaterThan(0);
  for (const l of await labels()) expect(l).toMatch(/^#\d+$/);

  await page.getByRole('button', { name: 'wall clock' }).click();
  await app.canvas.hover();
  for (let i = 0; i < 6; i++) await page.keyboard.press('w');
  await expect
    .poll(async () => (await app.urlWindow()).to - (await app.urlWindow()).from)
    .toBeLessThan(full.to - full.from);
  await app.shortcut('0');
  await expect.poll(() => app.urlWindow()).toEqual(full);
  for (let i = 0; i < 6; i++) await page.keyboard.press('w');
  await expect.poll(async () => (await app.urlWindow()).from).not.toBe(full.from);
  await app.canvas.dblclick({ position: { x: 400, y: 30 } });
  await expect.poll(() => app.urlWindow()).toEqual(full);
});

test('Escape clears the selection', async ({ page }) => {
  const app = await openStale(page);
  await app.anomalyItems.filter({ hasText: 'Stale read' }).click();
  await expect(page.getByTestId('inspector-call-id')).toHaveText('call_check');
  await app.shortcut('Escape');
  await expect(page.getByTestId('inspector-call-id')).toHaveCount(0);
  await expect(app.anomalyItems.filter({ hasText: 'Stale read' })).toHaveAttribute('aria-current', 'false');
  await expect.poll(() => app.query().has('call')).toBe(false);
});

test('search finds calls by name, id, args and result, and Enter steps through the matches', async ({
  page,
}) => {
  const app = await openStale(page);
  await app.search('RESTOCK');
  await expect(page.getByTestId('search-count')).toHaveText('– of 1');
  await page.getByTestId('search-input').press('Enter');
  await expect(page.getByTestId('search-count')).toHaveText('1 of 1');
  await expect(page.getByTestId('inspector-call-id')).toHaveText('call_restock');

  await app.search('a-1');
  await expect(page.getByTestId('search-count')).toHaveText('– of 2');
  await page.getByTestId('search-input').press('Enter');
  await expect(page.getByTestId('inspector-call-id')).toHaveText('call_check');
  await page.getByTestId('search-input').press('Enter');
  await expect(page.getByTestId('inspector-call-id')).toHaveText('call_restock');
  await expect(page.getByTestId('search-count')).toHaveText('2 of 2');
  await app.search('"stock":0');
  await expect(page.getByTestId('search-count')).toHaveText('– of 1');
  await app.search('no-such-thing');
  await expect(page.getByTestId('search-count')).toHaveText('no match');
});

test('severity and type chips include what is clicked', async ({ page }) => {
  const app = await openStale(page);
  await expect(page.getByTestId('anomaly-count')).toHaveText('2 of 2');
  await app.toggleChip(/^error 1$/);
  await expect(page.getByTestId('anomaly-count')).toHaveText('1 of 2');
  expect(await app.anomalyItems.getAttribute('data-severity')).toBe('error');
  await app.toggleChip(/^error 1$/);
  await expect(page.getByTestId('anomaly-count')).toHaveText('2 of 2');
  await app.toggleChip(/^Results committed in arrival order/);
  await expect(page.getByTestId('anomaly-count')).toHaveText('1 of 2');
  expect(await app.anomalyItems.getAttribute('data-type')).toBe('commit-order');
});

test('anomalies show their full title with the code second; a turn-level one selects its turn', async ({
  page,
}) => {
  const app = await openStale(page);
  const stale = app.anomalyItems.filter({ has: page.locator('.anomaly-code', { hasText: 'stale-read' }) });
  await expect(stale.locator('.anomaly-type')).toHaveText('Stale read');
  const order = app.anomalyItems.filter({ has: page.locator('.anomaly-code', { hasText: 'commit-order' }) });
  await order.click();
  await expect(page.getByTestId('turn-inspector')).toContainText('Turn 1');
  // Restock committed (seq 6) before check_stock (seq 8), against the listed order.
  await expect(page.getByTestId('turn-commits').locator('li')).toHaveText([/^restock/, /^check_stock/]);
});

test('jump to turn N', async ({ page }) => {
  const app = await openStale(page);
  await app.jumpToTurn(2);
  await expect(page.getByTestId('turn-inspector')).toContainText('Turn 2');
  await expect.poll(() => app.query().get('turn')).toBe('2');
  await app.jumpToTurn(9);
  await expect(page.getByTestId('turn-input')).toHaveAttribute('aria-invalid', 'true');
});

test("the inspector's lifecycle is in seq order", async ({ page }) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(`${EXAMPLES}/causal-timeout.jsonl`);
  await app.search('web_search');
  await page.getByTestId('search-input').press('Enter');
  await expect(page.getByTestId('inspector-call-id')).toHaveText('web');
  const seqs = (
    await page.getByTestId('inspector-lifecycle').locator('tr td:nth-child(2)').allTextContents()
  ).map((s) => Number(s.replace('seq ', '')));
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(seqs.length).toBe(6);
});
