// Scrubbing the replay shows the trace as it stood at that moment (the stale-read example): what was
// in flight, what state had been committed, and which anomalies were already proven.
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

const STALE = resolve(import.meta.dirname, '../../../shared/examples/stale-read.jsonl');

test('scrubbing the replay', async ({ page }) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(STALE);

  // After both tool.start events (seq 4): both calls in flight, nothing committed, nothing proven.
  await app.scrubTo(4);
  await expect(page.getByTestId('replay-label')).toContainText('seq 4');
  await expect(page.getByTestId('replay-inflight')).toContainText('check_stock');
  await expect(page.getByTestId('replay-inflight')).toContainText('restock');
  await expect(page.getByTestId('replay-state-keys').locator('li')).toHaveCount(0);
  await expect(page.getByTestId('replay-anomalies').locator('li')).toHaveCount(0);

  // After restock's commit (seq 6): its write is committed state; check_stock is still running.
  await app.scrubTo(6);
  await expect(page.getByTestId('replay-state-keys')).toContainText('stock:A-1 = v8 by call_restock');
  await expect(page.getByTestId('replay-inflight').locator('li')).toHaveCount(1);

  // At turn 2's request (seq 9) the stale read is consumed: both anomalies are known.
  await app.scrubTo(9);
  await expect(page.getByTestId('replay-anomalies')).toContainText('stale-read');
  await expect(page.getByTestId('replay-anomalies')).toContainText('commit-order');
  await app.screenshot('replay-scrub');

  // Step and play move the playhead; Exit replay shows the whole trace again.
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(page.getByTestId('replay-label')).toContainText('seq 8');
  await page.getByRole('button', { name: 'Exit replay' }).click();
  await expect(page.getByTestId('replay-label')).toContainText('whole trace');
  await expect(app.replayState).toHaveCount(0);
});
