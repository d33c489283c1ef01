// Test support for the EventStore contract suite: opens a fresh SQLite file or a fresh PostgreSQL
// database (on a throwaway server from postgres-server.ts) behind one interface, with a clock the test
// moves, the store's log captured, and raw SQL for corrupting rows on purpose.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceEvent } from '@causelane/trace-schema';
import type { EventStore, StoredBatch, StoreOptions } from '../server/store/event-store.ts';
import { openEventStore } from '../server/store/open-event-store.ts';
import type { PostgresServer } from './postgres-server.ts';

export interface OpenedStore {
  store: EventStore;
  /** What the store logged as errors. */
  errors: string[];
  /** The store's clock; tests move it with `clock.now = …`. */
  clock: { now: number };
  /** Opens the same database again (after `store.close()`). */
  reopen(): Promise<EventStore>;
  /** Runs SQL on a separate connection (to corrupt a row on purpose). */
  exec(sql: string): Promise<void>;
  dispose(): Promise<void>;
}

export interface StoreHarness {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenedStore>;
}

function options(errors: string[], clock: { now: number }): StoreOptions {
  return { log: { info: () => {}, error: (m) => errors.push(m) }, now: () => clock.now };
}

/**
 * The part both backends share: a fresh store at `location` with its log and clock captured, a way
 * to open the same database again, and disposal that closes every store opened, then `cleanup`.
 */
async function openedStoreAt(
  location: string,
  exec: (sql: string) => Promise<void>,
  dispose: { ignoreCloseErrors: boolean; cleanup?: () => void },
): Promise<OpenedStore> {
  const errors: string[] = [];
  const clock = { now: 1_700_000_000_000 };
  const opened = await openEventStore(location, options(errors, clock));
  const stores = [opened];
  return {
    store: opened,
    errors,
    clock,
    reopen: async () => {
      const s = await openEventStore(location, options(errors, clock));
      stores.push(s);
      return s;
    },
    exec,
    async dispose() {
      for (const s of stores) {
        if (dispose.ignoreCloseErrors) await s.close().catch(() => {});
        else await s.close();
      }
      dispose.cleanup?.();
    },
  };
}

export function sqliteHarness(): StoreHarness {
  return {
    name: 'sqlite',
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'causelane-store-'));
      const file = join(dir, 'sub', 'db.sqlite');
      const exec = async (sql: string) => {
        const { default: Database } = await import('better-sqlite3');
        const db = new Database(file);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      };
      return openedStoreAt(file, exec, {
        ignoreCloseErrors: false,
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      });
    },
  };
}

let dbCounter = 0;

export function postgresHarness(server: () => PostgresServer): StoreHarness {
  return {
    name: 'postgres',
    async open() {
      const url = await server().createDatabase(`contract_${process.pid}_${++dbCounter}`);
      const exec = async (sql: string) => {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      };
      return openedStoreAt(url, exec, { ignoreCloseErrors: true });
    },
  };
}

/** Inserts events with their JSON bodies, as IngestService does. */
export function insertEvents(store: EventStore, events: readonly TraceEvent[]): Promise<StoredBatch> {
  return store.insert(
    events,
    events.map((e) => JSON.stringify(e)),
  );
}
