// Runs a vitest suite once per store, against a SQLite file and a real PostgreSQL server (Debian's
// package, one throwaway server per test file, a fresh database per test). Locally a missing
// PostgreSQL skips its half with a warning; under CI=true it fails the suite. Uses vitest, so it is
// kept out of the `./testing` entry.
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { EventStore } from '../server/store/event-store.ts';
import { findPostgresBin, type PostgresServer, postgresRequired, startPostgres } from './postgres-server.ts';
import { type OpenedStore, postgresHarness, type StoreHarness, sqliteHarness } from './store-harness.ts';

export interface StoreSuite {
  harness: StoreHarness;
  /** Opens a fresh store for this test (disposed after it). */
  open(): Promise<EventStore>;
  /** The store opened by `open()`, with its log, clock and raw SQL. */
  opened(): OpenedStore;
}

export function describeEachStore(title: string, body: (suite: StoreSuite) => void): void {
  let server: PostgresServer | null = null;
  const withPostgres = findPostgresBin() !== null || postgresRequired();
  if (!withPostgres)
    console.warn(
      `skipping PostgreSQL in "${title}": no /usr/lib/postgresql/*/bin (apt-get install postgresql)`,
    );
  beforeAll(async () => {
    // Under CI=true a missing or broken PostgreSQL throws here, failing the suite instead of skipping it.
    if (withPostgres) server = await startPostgres({ fast: true });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  const harnesses = [sqliteHarness(), postgresHarness(() => server!)];
  describe.each(harnesses)(`${title} on $name`, (harness) => {
    let current: OpenedStore | null = null;
    afterEach(async () => {
      await current?.dispose();
      current = null;
    });
    describe.skipIf(harness.name === 'postgres' && !withPostgres)('', () => {
      body({
        harness,
        open: async () => {
          current = await harness.open();
          return current.store;
        },
        opened: () => current!,
      });
    });
  });
}
