// Two processes writing one SQLite file: immediate transactions wait for the write lock (busy
// timeout) instead of failing at once, and a lock held past the timeout is a typed, retryable refusal.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { sampleRun } from '../../testing/test-collector.ts';
import { StoreBusyError } from './event-store.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-busy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const WRITER = fileURLToPath(new URL('../../testing/sqlite-writer-process.ts', import.meta.url));
const COLLECTOR = fileURLToPath(new URL('../../../', import.meta.url));

it('lets two processes write one file at once without refusing a single batch', async () => {
  const file = join(dir, 'shared.db');
  new SqliteEventStore(file).close();
  const run = (prefix: string) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', WRITER, file, prefix, '400'], {
      cwd: COLLECTOR,
    });
  const results = (await Promise.all([run('a'), run('b')])).map(
    (r) => JSON.parse(r.stdout) as { stored: number; busy: number; other: string[] },
  );
  expect(results).toEqual([
    { stored: 4000, busy: 0, other: [] },
    { stored: 4000, busy: 0, other: [] },
  ]);
  const check = new Database(file, { readonly: true });
  expect(check.prepare('SELECT count(*) AS n, sum(events) AS e FROM runs').get()).toEqual({ n: 14, e: 8000 });
  check.close();
}, 60_000);

it('answers a lock held past the busy timeout with a retryable StoreBusyError, storing nothing', async () => {
  const file = join(dir, 'locked.db');
  const store = new SqliteEventStore(file, { busyTimeoutMs: 100 });
  const holder = new Database(file);
  holder.exec('BEGIN IMMEDIATE');
  const events = sampleRun('waits');
  const err = await store
    .insert(
      events,
      events.map((e) => JSON.stringify(e)),
    )
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreBusyError);
  expect(err).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
  holder.exec('ROLLBACK');
  holder.close();
  expect(await store.hasRunId('waits')).toBe(false);
  expect(
    (
      await store.insert(
        events,
        events.map((e) => JSON.stringify(e)),
      )
    ).stored,
  ).toBe(12);
  await store.close();
});
