// Issue 14, items 1 and 2: selecting a stale read draws its proof on the timeline (events ringed and
// joined by arrows in happens-before order, checked in the canvas's data and its pixels), bars carry
// keys and versions, each proof seq centres its event, the inspector shows reader and writer with
// versions, and the happens-before view shows the stale state edge, labels clear of every line,
// and a 12-call turn fitted into its panel.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';
import { EvidenceView } from '../pages/evidence-view.ts';

// The colours checked below are the dark theme's.
test.use({ colorScheme: 'dark' });

const EXAMPLES = resolve(import.meta.dirname, '../../../shared/examples');
/** The dark theme's proof colour (apps/web/src/ui/theme.ts). */
const PROOF = '#ff5cc8';
const GUTTER = 200;

test('a stale read shows which write made which read stale', async ({ page }) => {
  const app = new DebuggerPage(page);
  const ev = new EvidenceView(app);
  await app.goto();
  await app.openFile(join(EXAMPLES, 'stale-read.jsonl'));
  // Keys and versions on the bars, before anything is selected.
  // On the bar when it has room, else beside it in the call's own row.
  await expect.poll(async () => (await ev.barLabels()).join('|')).toContain('read stock:A-1 v7');
  expect((await ev.barLabels()).join('|')).toContain('wrote stock:A-1 v8');

  await ev.selectAnomalyOfType('stale-read');
  // Proof seqs 5 (restock's write), 7 (check_stock's read), 9 (the request that consumed it).
  await expect.poll(async () => (await ev.proofArrows()).length).toBe(2);
  const steps = page.getByTestId('proof-steps');
  await expect(steps.locator('li')).toHaveCount(3);
  await expect(steps.locator('li').nth(0)).toContainText('seq 5 · restock tool.end · wrote stock:A-1 v8');
  await expect(steps.locator('li').nth(1)).toContainText('seq 7 · check_stock tool.end · read stock:A-1 v7');
  await expect(steps.locator('li').nth(2)).toContainText('seq 9 · agent llm.request turn 2');
  await expect(page.getByTestId('proof-arrow').nth(0)).toHaveText('↓ write → read');
  await expect(page.getByTestId('proof-arrow').nth(0)).toHaveAttribute('data-from', '5');
  await expect(page.getByTestId('proof-arrow').nth(0)).toHaveAttribute('data-to', '7');

  // Both sides of the state anomaly, with versions.
  const sides = page.getByTestId('state-sides');
  await expect(sides).toHaveAttribute('data-key', 'stock:A-1');
  await expect(sides.locator('caption')).toContainText('stale');
  await expect(sides.locator('tr[data-role="writer"]')).toContainText('restock');
  await expect(sides.locator('tr[data-role="writer"]')).toHaveAttribute('data-version', '8');
  await expect(sides.locator('tr[data-role="reader"]')).toContainText('check_stock');
  await expect(sides.locator('tr[data-role="reader"]')).toHaveAttribute('data-version', '7');

  // Image check: the arrows are really painted, in the proof colour, where the frame says.
  const arrows = await ev.proofArrows();
  for (const a of arrows) expect(await ev.colorNear(app.canvas, a.midX, a.midY, PROOF)).toBe(true);
  // The first arrow runs from restock's row down to check_stock's (rows 3 and 2: it goes up).
  expect(arrows[0]!.y1).toBeGreaterThan(arrows[0]!.y2);
  expect(arrows[0]!.x2).toBeGreaterThan(arrows[0]!.x1);

  // The happens-before view marks the stale state edge and says so in words.
  const hb = page.getByTestId('hb-view');
  await expect(hb.locator('line[data-kind="state"][data-stale="true"]')).toHaveCount(1);
  await expect(hb).toContainText(
    'stale read: restock wrote stock:A-1 v8 (seq 5), then check_stock read v7 (seq 7)',
  );
  await expect(hb).not.toContainText('Every result of this turn was resolved');

  // Each proof seq selects and centres its event; the anomaly (and its arrows) stay selected.
  const box = (await app.canvas.boundingBox())!;
  const centre = GUTTER + (box.width - GUTTER) / 2;
  // Zoomed in, so that centring is never held back by the run's ends.
  for (let i = 0; i < 6; i++) await page.keyboard.press('w');
  await page.getByTestId('proof-seqs').getByRole('button', { name: '5' }).click();
  await expect(page.getByTestId('inspector-call-id')).toHaveText('call_restock');
  await expect.poll(async () => Math.abs((await ev.proofArrows())[0]!.x1 - centre)).toBeLessThan(3);
  await page.getByTestId('proof-seqs').getByRole('button', { name: '7' }).click();
  await expect(page.getByTestId('inspector-call-id')).toHaveText('call_check');
  await expect.poll(async () => Math.abs((await ev.proofArrows())[0]!.x2 - centre)).toBeLessThan(3);
  await app.screenshot('evidence-stale-read');
});

test('happens-before labels never cross a line', async ({ page }) => {
  const app = new DebuggerPage(page);
  const ev = new EvidenceView(app);
  await app.goto();
  await app.openFile(join(EXAMPLES, 'impatient-loop.jsonl'));
  await app.selectAnomaly(0);
  await expect(ev.hbSvg).toBeVisible();
  await expectNoLabelOnLines(ev);
});

/** One turn whose model asked for 12 calls at once, all running in parallel. */
function twelveCallTrace(): string {
  const calls = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, name: `fetch_page_${i}`, args: { i } }));
  const events: object[] = [];
  let seq = 0;
  const at = (type: string, extra: object = {}) => {
    const s = seq++;
    events.push({ v: 1, run: 'wide', seq: s, t: 1_760_000_000_000 + s * 3, type, ...extra });
  };
  at('run.start', { mode: 'causal' });
  at('llm.request', { turn: 1 });
  at('llm.response', { turn: 1, calls });
  for (const c of calls) at('tool.start', { turn: 1, call: c.id });
  for (const c of calls) at('tool.end', { turn: 1, call: c.id, ok: true });
  for (const c of calls) at('tool.commit', { turn: 1, call: c.id });
  at('llm.request', { turn: 2 });
  at('llm.response', { turn: 2, calls: [] });
  at('run.end', { status: 'ok' });
  return `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
}

test('a turn of 12 parallel calls fits the happens-before panel, legibly', async ({ page }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'causelane-hb-')), 'wide.jsonl');
  writeFileSync(file, twelveCallTrace());
  const app = new DebuggerPage(page);
  const ev = new EvidenceView(app);
  await app.goto();
  await app.openFile(file);
  await app.canvas.click({ position: { x: 300, y: 2 * 22 + 11 } });
  await expect(page.getByTestId('hb-view')).toContainText('Happens-before · turn 1');
  const g = await ev.hbGeometry();
  const w = g.svg.right - g.svg.left;
  const h = g.svg.bottom - g.svg.top;
  // It was 1800×1058 inside a 618×340 box; now it fits at a scale that keeps 11 px text above 8 px.
  expect(w).toBeLessThanOrEqual(620);
  expect(h).toBeLessThanOrEqual(340);
  expect(g.scale * 11).toBeGreaterThanOrEqual(8);
  // 12 parallel calls take 6 layers (request, response, starts, ends, commits, next request).
  await expect(page.getByTestId('hb-row-label')).toHaveCount(6);
  await expect(page.getByTestId('hb-row-label').nth(2)).toContainText('tool.start ×12');
  await expectNoLabelOnLines(ev);
  await app.screenshot('hb-twelve-calls');
});

async function expectNoLabelOnLines(ev: EvidenceView): Promise<void> {
  const g = await ev.hbGeometry();
  const linesLeft = Math.min(...g.lines.map((l) => l.left));
  const linesTop = Math.min(...g.lines.map((l) => l.top));
  // Row labels all end left of the leftmost line; column labels all end above the topmost one.
  for (const r of g.rowLabels) expect(r.right).toBeLessThan(linesLeft);
  for (const c of g.colLabels) expect(c.bottom).toBeLessThanOrEqual(linesTop);
}
