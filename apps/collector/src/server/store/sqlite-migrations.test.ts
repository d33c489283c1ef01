// A database file made before the schema was versioned (user_version 0, the first release's tables)
// opens with the current collector: its runs keep their place, gain a last-write time, and list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { SqliteEventStore } from './sqlite-event-store.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('upgrades a file from before versioning and refuses one from a newer collector', async () => {
  const file = join(dir, 'old.db');
  const old = new Database(file);
  old.exec(SQLITE_MIGRATIONS[0]!);
  old
    .prepare('INSERT INTO runs (id, created, agent, events, analyzed) VALUES (?, ?, ?, ?, ?)')
    .run('kept', 1234.5, 'bot', 1, 1);
  old
    .prepare('INSERT INTO events (run, seq, body) VALUES (?, ?, ?)')
    .run('kept', 0, JSON.stringify({ v: 1, run: 'kept', seq: 0, t: 5, type: 'run.start', agent: 'bot' }));
  old.close();

  const store = new SqliteEventStore(file);
  expect(store.db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
  expect(store.db.prepare('SELECT updated FROM runs WHERE id = ?').get('kept')).toEqual({ updated: 1234.5 });
  expect((await store.listRuns()).runs).toMatchObject([{ id: 'kept', agent: 'bot', events: 1 }]);
  expect(await store.runEvents('kept')).toHaveLength(1);
  store.db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
  await store.close();
  expect(() => new SqliteEventStore(file)).toThrow(
    /schema version 3, newer than this collector knows \(2\); upgrade/,
  );
});
