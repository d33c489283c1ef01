// Trace content is data, never markup: HTML payloads in tool names, arguments, results, run and
// agent names must show as literal text and run no script.
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

const NAME = '<img src=x onerror="window.__xss=1">';
const ARG = '<script>window.__xss=2</script><b>bold</b>';
const RESULT = '<svg onload="window.__xss=3"></svg>';

function trace(): string {
  const run = '<iframe src="javascript:window.__xss=4">';
  const ev = (seq: number, body: Record<string, unknown>) =>
    JSON.stringify({ v: 1, run, seq, t: 1_760_000_000_000 + seq * 5, ...body });
  return [
    ev(0, { type: 'run.start', agent: '<img src=x onerror="window.__xss=5">', mode: 'naive' }),
    ev(1, { type: 'llm.request', turn: 1 }),
    ev(2, { type: 'llm.response', turn: 1, calls: [{ id: 'c<1>', name: NAME, args: { q: ARG } }] }),
    ev(3, { type: 'tool.start', turn: 1, call: 'c<1>' }),
    ev(4, { type: 'llm.request', turn: 2 }),
    ev(5, { type: 'tool.end', turn: 1, call: 'c<1>', ok: true, result: RESULT }),
    ev(6, { type: 'run.end', status: 'ok' }),
  ].join('\n');
}

test('HTML in names and args renders as inert text', async ({ page }) => {
  const app = new DebuggerPage(page);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await app.goto();
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-file').first().click();
  await (await chooser).setFiles({
    name: 'xss.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(trace()),
  });
  await app.waitReady();
  await expect(app.anomalyItems.first()).toBeVisible();
  await app.selectAnomaly(0);

  await expect(page.getByTestId('inspector-name')).toHaveText(NAME);
  await expect(page.getByTestId('inspector-call-id')).toHaveText('c<1>');
  await expect(page.getByTestId('inspector-args')).toContainText(ARG);
  await expect(page.getByTestId('inspector-result')).toContainText(RESULT);
  await expect(app.anomalyItems.first()).toContainText(NAME);

  // No element was created from the payloads, and none of their scripts ran.
  expect(await page.locator('main img, main script, main svg[onload], main iframe, main b').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
  await app.screenshot('xss-inert');
});
