// Replay that plays (issue 13): the whole trace in about ten seconds by default with the speed as a
// multiple of real time, Space / ← → / Shift+← → shortcuts, a view that follows the playhead, the
// playhead in the URL, and a label that fits at 1280 px.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

const STALE = resolve(import.meta.dirname, '../../../shared/examples/stale-read.jsonl');
const label = (page: import('@playwright/test').Page) => page.getByTestId('replay-label');

test('the default speed plays the whole trace in about ten seconds, shown as a multiple of real time', async ({
  page,
}) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(STALE);
  // stale-read spans about 58 ms: ten seconds is about 0.0058× real time.
  await expect(page.getByTestId('replay-speed').locator('option:checked')).toHaveText(
    /^0\.00\d\d× real time \(10 s\)$/,
  );
  const t0 = Date.now();
  await app.replayButton('Play').click();
  await page.waitForTimeout(3000);
  await expect(label(page)).not.toContainText('event 12/12');
  await expect(label(page)).toContainText('event 12/12', { timeout: 15_000 });
  const took = Date.now() - t0;
  expect(took).toBeGreaterThan(8000);
  expect(took).toBeLessThan(13_000);
  await page.getByTestId('replay-speed').selectOption('1000');
  await expect(page.getByTestId('replay-speed').locator('option:checked')).toHaveText('1,000× real time');
});

test('Space plays and pauses, arrows step, Shift+arrows jump to anomalies', async ({ page }) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(STALE);
  await app.shortcut('ArrowRight');
  await expect(label(page)).toContainText('event 1/12');
  await app.shortcut('ArrowRight');
  await expect(label(page)).toContainText('event 2/12');
  await app.shortcut('ArrowLeft');
  await expect(label(page)).toContainText('event 1/12');
  await app.shortcut('Shift+ArrowRight');
  // The first anomaly is known once its last proof event has happened.
  await expect(page.locator('[data-anomaly-id][aria-current="true"]')).toHaveCount(1);
  const at = await label(page).textContent();
  expect(at).not.toContain('event 1/12');
  await app.shortcut('Space');
  await expect(app.replayButton('Pause')).toBeVisible();
  await app.shortcut('Space');
  await expect(app.replayButton('Play')).toBeVisible();
});

test('the view follows the playhead, and the playhead is kept in the URL', async ({ page }) => {
  const app = new DebuggerPage(page);
  await app.goto('?src=/api/examples/stale-read.jsonl&x=seq');
  await app.waitReady();
  const box = (await app.canvas.boundingBox())!;
  await page.mouse.move(box.x + 210, box.y + 30);
  for (let i = 0; i < 8; i++) await page.keyboard.press('w');
  await expect.poll(async () => (await app.urlWindow()).to).toBeLessThan(6);
  await app.scrubTo(10);
  await expect
    .poll(async () => {
      const w = await app.urlWindow();
      return w.from <= 10 && w.to >= 10;
    })
    .toBe(true);
  await expect.poll(() => app.query().get('at')).toBe('10');
  await page.reload();
  await app.waitReady();
  await expect(label(page)).toContainText('event 11/12 · seq 10');
});

test('the replay label is never cut off at 1280 px', async ({ page }) => {
  // A long trace with a long label: many events, spread over two hours.
  const run = 'long-replay';
  const lines = [JSON.stringify({ v: 1, run, seq: 0, t: 1_760_000_000_000, type: 'run.start', agent: 'a' })];
  for (let turn = 1; turn <= 3000; turn++) {
    const seq = lines.length;
    const t = 1_760_000_000_000 + turn * 2400;
    lines.push(JSON.stringify({ v: 1, run, seq, t, type: 'llm.request', turn }));
    lines.push(JSON.stringify({ v: 1, run, seq: seq + 1, t: t + 1, type: 'llm.response', turn, calls: [] }));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'causelane-long-')), 'long.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(file);
  await app.scrubTo(lines.length - 2);
  await expect(label(page)).toContainText(`event ${lines.length - 1}/${lines.length}`);
  await expect(label(page)).toContainText('min');
  const fits = await label(page).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return el.scrollWidth <= el.clientWidth + 1 && r.right <= window.innerWidth;
  });
  expect(fits).toBe(true);
});
