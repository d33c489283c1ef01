// A PostgreSQL that goes away is a transient refusal: the insert throws a typed, retryable
// StoreBusyError (so the SDK is told retryAfterMs and sends the batch again), never a bare error.
import { expect, it } from 'vitest';
import { findPostgresBin, postgresRequired, startPostgres } from '../../testing/postgres-server.ts';
import { insertEvents } from '../../testing/store-harness.ts';
import { sampleRun } from '../../testing/test-collector.ts';
import { StoreBusyError } from './event-store.ts';
import { PostgresEventStore } from './postgres-event-store.ts';

const withPostgres = findPostgresBin() !== null || postgresRequired();

it.skipIf(!withPostgres)(
  'answers a lost PostgreSQL with a retryable StoreBusyError',
  async () => {
    const server = await startPostgres({ fast: true });
    const store = await PostgresEventStore.open(await server.createDatabase('busy'));
    try {
      expect((await insertEvents(store, sampleRun('before'))).stored).toBe(12);
      await server.stop();
      const err = await insertEvents(store, sampleRun('after')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreBusyError);
      expect(err).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
      await expect(store.listRuns()).rejects.toBeInstanceOf(StoreBusyError);
    } finally {
      await store.close();
      await server.stop();
    }
  },
  60_000,
);
