// A 100k-event trace opens through the file picker, becomes interactive, and lists every anomaly
// the analyzer finds in it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeEvents } from '@causelane/analysis';
import { synthesizeRun } from '@causelane/analysis/testing';
import { toJsonl } from '@causelane/trace-schema';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

test('100k events', async ({ page }) => {
  test.setTimeout(180_000);
  let events = synthesizeRun({ seed: 7, turns: 1, maxCalls: 6 });
  for (let turns = 6000; events.length < 100_000; turns = Math.ceil(turns * 1.2)) {
    events = synthesizeRun({
      seed: 7,
      turns,
      maxCalls: 6,
      faults: ['premature-llm-call', 'stale-read', 'commit-order'],
    });
  }
  events = events.slice(0, 100_000);
  const file = join(mkdtempSync(join(tmpdir(), 'causelane-100k-')), 'big.jsonl');
  writeFileSync(file, toJsonl(events));
  const report = analyzeEvents(events);

  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(file);
  await app.waitReady(100_000);
  await expect(page.getByTestId('anomaly-count')).toHaveText(
    report.anomalies.length === 0 ? 'none' : `${report.anomalies.length} of ${report.anomalies.length}`,
  );
  // Interactive: keyboard zoom changes the axis.
  const before = await page.getByTestId('time-axis').textContent();
  await app.canvas.hover();
  for (let i = 0; i < 10; i++) await page.keyboard.press('w');
  await expect.poll(() => page.getByTestId('time-axis').textContent()).not.toBe(before);
  await app.screenshot('smoke-100k');
});
