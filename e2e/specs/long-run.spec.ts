// Issue 14, items 3 and 4 on a 25,000-turn run (about 200k events): zoomed out, turns collapse into
// a summary row and calls pack into a few tracks per tool, turn rules thin out, the minimap shows
// where the anomalies are, n/p and [/] jump, zooming in brings one row per call back; and the Chrome
// export shows progress, can be cancelled, and carries flow events.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeRun } from '@causelane/analysis/testing';
import { toJsonl } from '@causelane/trace-schema';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';
import { EvidenceView } from '../pages/evidence-view.ts';

// The colours checked below are the dark theme's.
test.use({ colorScheme: 'dark' });

const GUTTER = 200;
/** Dark theme colours (apps/web/src/ui/theme.ts): call bars (ok, error, open), and the severities. */
const BARS = ['#3d7fd9', '#c2543f', '#8a6fd1'];
const SEVERITY: Record<string, string> = { error: '#ff4d4f', warning: '#ffae21', info: '#4fc3f7' };

test.describe.configure({ mode: 'serial' });

let file = '';
test.beforeAll(() => {
  const events = synthesizeRun({
    seed: 11,
    turns: 25_000,
    maxCalls: 3,
    faults: ['stale-read', 'late-commit', 'premature-llm-call'],
  });
  file = join(mkdtempSync(join(tmpdir(), 'causelane-long-')), 'long.jsonl');
  writeFileSync(file, toJsonl(events));
});

test('a 25,000-turn run reads as well zoomed out as zoomed in', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new DebuggerPage(page);
  const ev = new EvidenceView(app);
  await app.goto();
  await app.openFile(file);

  // Whole run: packed, a few dozen rows instead of ~75,000, and rules thinned to every Nth turn.
  await ev.waitLayout('packed');
  await app.screenshot('long-run-packed');
  const rows = Number(await app.canvas.getAttribute('data-row-count'));
  expect(rows).toBeLessThan(40);
  expect(Number(await app.canvas.getAttribute('data-rule-stride'))).toBeGreaterThan(1);
  const box = (await app.canvas.boundingBox())!;
  const laneWidth = box.width - GUTTER;
  expect(Number(await app.canvas.getAttribute('data-rules'))).toBeLessThanOrEqual(laneWidth / 20 + 1);
  // Image check: the first tool track (row 2, 18 px rows) is painted with call bars along the run.
  const covered = await app.canvas.evaluate(
    (el, [g, bars]) => {
      const c = el as HTMLCanvasElement;
      const dpr = c.width / c.clientWidth;
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(c, 0, 0);
      const wants = (bars as string[]).map((hex) =>
        [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)),
      );
      const y = Math.round((2 * 18 + 9) * dpr);
      const x0 = Math.round((g as number) * dpr);
      const d = ctx.getImageData(x0, y, c.width - x0, 1).data;
      let hit = 0;
      for (let i = 0; i < d.length; i += 4)
        if (wants.some((want) => want.every((v, k) => Math.abs(d[i + k]! - v) <= 40))) hit++;
      return hit / (d.length / 4);
    },
    [GUTTER, BARS] as const,
  );
  expect(covered).toBeGreaterThan(0.5);

  // The minimap marks where the anomalies are, in their severity's colour.
  const marks = ((await ev.minimap.getAttribute('data-anomaly-columns')) ?? '').split(',').filter(Boolean);
  expect(marks.length).toBeGreaterThan(5);
  // Errors are painted last, so a column holding one always shows red; infos show elsewhere.
  const error = marks.find((m) => m.endsWith(':error'))!;
  expect(await ev.colorNear(ev.minimap, GUTTER + Number(error.split(':')[0]), 6, SEVERITY.error!, 0)).toBe(
    true,
  );
  expect(await ev.colorNear(ev.minimap, GUTTER + 200, 6, SEVERITY.info!, 4)).toBe(true);
  await expect(page.getByTestId('jump-help')).toContainText('n/p');

  // n jumps to the first anomaly: selected, zoomed in to one row per call, with its proof drawn.
  // (The list shows the first 500 only, so the selection is read from the inspector's evidence.)
  const firstSeq = page.getByTestId('proof-steps').locator('li').first();
  await page.keyboard.press('n');
  await expect(page.getByTestId('anomaly-evidence')).toBeVisible();
  const first = await firstSeq.getAttribute('data-seq');
  await ev.waitLayout('expanded');
  await expect.poll(async () => (await ev.proofArrows()).length).toBeGreaterThan(0);
  await page.keyboard.press('n');
  await expect(firstSeq).not.toHaveAttribute('data-seq', first!);
  const second = Number(await firstSeq.getAttribute('data-seq'));
  expect(second).toBeGreaterThanOrEqual(Number(first));
  await page.keyboard.press('p');
  await expect(firstSeq).toHaveAttribute('data-seq', first!);

  // ] and [ step through turns (the happens-before view follows the selected turn).
  await page.keyboard.press(']');
  const heading = page.getByTestId('hb-view').locator('h2');
  await expect(heading).toContainText(/turn \d+/);
  const turn = Number(/turn (\d+)/.exec((await heading.textContent()) ?? '')![1]);
  await page.keyboard.press(']');
  await expect(heading).toContainText(`turn ${turn + 1}`);
  await page.keyboard.press('[');
  await expect(heading).toContainText(`turn ${turn}`);
  await app.screenshot('long-run-zoomed');

  // Back to the whole run: packed again.
  await page.keyboard.press('0');
  await ev.waitLayout('packed');
});

test('the Chrome export shows progress, can be cancelled, and draws flows in Perfetto', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(file);
  let downloads = 0;
  page.on('download', () => downloads++);

  await page.getByTestId('export-menu').locator('summary').click();
  await page.getByTestId('export-chrome').click();
  await expect(page.getByTestId('export-progress')).toBeVisible();
  await page.getByTestId('export-cancel').click();
  await expect(page.getByTestId('export-error')).toHaveText('export cancelled');
  await expect(page.getByTestId('export-progress')).toHaveCount(0);
  expect(downloads).toBe(0);

  const t0 = Date.now();
  const download = await app.exportRun('chrome');
  const ms = Date.now() - t0;
  const trace = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
    traceEvents: { ph: string; name: string; id?: number }[];
  };
  const flows = trace.traceEvents.filter((e) => e.ph === 's');
  expect(flows.length).toBeGreaterThan(10_000);
  expect(trace.traceEvents.filter((e) => e.ph === 'f')).toHaveLength(flows.length);
  expect(flows.some((e) => e.name === 'late commit')).toBe(true);
  test.info().annotations.push({ type: 'export-ms', description: String(ms) });
  expect(ms).toBeLessThan(60_000);
});
