// `--retain-days` wired into a running collector: a run idle for longer than the limit (back-dated
// in the file before start) disappears in the background sweep, browsers hear `runs:changed`
// deleted, and a recent run stays.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunChangedMessage } from '@causelane/trace-schema';
import { afterAll, expect, it } from 'vitest';
import { insertEvents } from '../../testing/store-harness.ts';
import { sampleRun, startTestCollector, type TestCollector } from '../../testing/test-collector.ts';
import { DAY_MS } from './retention.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-retention-'));
let c: TestCollector | null = null;
afterAll(async () => {
  await c?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

it('deletes runs idle for longer than --retain-days in the background and tells browsers', async () => {
  const db = join(dir, 'causelane.db');
  const seed = new SqliteEventStore(db);
  await insertEvents(seed, sampleRun('ancient'));
  await insertEvents(seed, sampleRun('fresh'));
  seed.db.prepare('UPDATE runs SET updated = ? WHERE id = ?').run(Date.now() - 8 * DAY_MS, 'ancient');
  await seed.close();

  c = await startTestCollector({ db, retainDays: 7 });
  const browser = await c.uiClient();
  const changes: RunChangedMessage[] = [];
  browser.on('runs:changed', (m: RunChangedMessage) => changes.push(m));
  const ids = async () =>
    ((await (await fetch(`${c!.url}/api/runs`)).json()) as { runs: { id: string }[] }).runs.map((r) => r.id);
  await expect.poll(ids, { timeout: 10_000 }).toEqual(['fresh']);
  await expect.poll(() => changes.some((m) => m.run === 'ancient' && m.change === 'deleted')).toBe(true);
  expect(await c.store.runEvents('ancient')).toEqual([]);
});
