// Each public example opened the way a user would, checked against its golden expect file: the
// anomaly panel lists exactly the flags the analyzer proves, and each one explains itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../../shared/examples');
const names = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.replace(/\.jsonl$/, ''));

for (const name of names) {
  test(`example ${name}: flags match the golden file`, async ({ page }) => {
    const expected = JSON.parse(readFileSync(join(EXAMPLES, `${name}.expect.json`), 'utf8')) as {
      anomalies: string[];
    };
    const app = new DebuggerPage(page);
    await app.goto();
    await app.openFile(join(EXAMPLES, `${name}.jsonl`));
    const want = expected.anomalies.map((k) => k.split('|').slice(1).join('|')).sort();
    await expect.poll(async () => (await app.anomalyKeys()).sort()).toEqual(want);

    // Clicking a flag in the list selects its call (if any) and explains it.
    await app.selectAnomaly(0);
    await expect(page.getByTestId('anomaly-explanation')).toContainText('How to fix it');
    const first = want[0]!.split('|');
    if (first[3]) await expect(page.getByTestId('inspector-call-id')).toHaveText(first[3]);
    await app.screenshot(`example-${name}`);
  });
}

test('the anomaly list works from the keyboard', async ({ page }) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(join(EXAMPLES, 'impatient-loop.jsonl'));
  await app.anomalyItems.nth(0).focus();
  await page.keyboard.press('ArrowDown');
  await expect(app.anomalyItems.nth(0)).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(app.anomalyItems.nth(1)).toHaveAttribute('aria-current', 'true');
  await expect(app.anomalyItems.nth(1)).toBeFocused();
  await expect(page.getByTestId('hb-view')).toContainText('late commit');
});

test('a bad file is rejected with the line and field, and nothing is loaded', async ({ page }) => {
  const app = new DebuggerPage(page);
  await app.goto();
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-file').first().click();
  await (await chooser).setFiles({
    name: 'broken.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(
      '{"v":1,"run":"r","seq":0,"t":1,"type":"run.start"}\n{"v":1,"run":"r","seq":1,"t":2,"type":"llm.request"}\n',
    ),
  });
  await expect(app.loadError).toContainText('broken.jsonl:2: field turn');
  await expect(page.getByTestId('empty-state')).toBeVisible();
});

test('a repeated event loads once, even reformatted; a repeat with other content is rejected', async ({
  page,
}) => {
  const app = new DebuggerPage(page);
  const lines = readFileSync(join(EXAMPLES, 'lost-update.jsonl'), 'utf8').trimEnd().split('\n');
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(lines[4]!)).reverse()));
  const open = async (name: string, text: string) => {
    await app.goto();
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('open-file').first().click();
    await (await chooser).setFiles({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  };
  await open('resent.jsonl', [...lines, reordered, lines[2]].join('\n'));
  await expect.poll(async () => (await app.anomalyKeys()).sort()).toEqual(['ww-conflict|warning|1|e2']);
  await open('conflict.jsonl', [...lines, lines[4]!.replace('"version":2', '"version":5')].join('\n'));
  await expect(app.loadError).toContainText('conflict.jsonl:10: field seq: run "edits" seq 4 repeats line 5');
});
