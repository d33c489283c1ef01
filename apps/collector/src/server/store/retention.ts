// `--retain-days N`: a background sweep that deletes runs whose last write is older than N days, in
// bounded batches (one short transaction each, with a pause between), on either store. Several nodes
// may sweep at once: a run is deleted once, and the others find nothing left to delete.
import type { EventStore, StoreLog } from './event-store.ts';

export interface RetentionOptions {
  retainDays: number;
  /** Between two sweeps. Default 10 minutes. */
  everyMs?: number;
  /** Runs deleted per transaction. Default 200. */
  batch?: number;
  now?: () => number;
  /** Called after each committed batch, e.g. to tell browsers the runs are gone. */
  onDeleted?: (runs: string[]) => void;
  log?: StoreLog;
}

export interface Retention {
  /** Runs one full sweep now (batches until nothing old is left); resolves with the runs deleted. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

export const DAY_MS = 86_400_000;

export function startRetention(store: EventStore, opts: RetentionOptions): Retention {
  if (!(opts.retainDays > 0))
    throw new Error(`--retain-days: expected a number of days > 0, got ${opts.retainDays}`);
  const now = opts.now ?? Date.now;
  const batch = opts.batch ?? 200;
  let stopped = false;
  let running: Promise<number> | null = null;
  const sweepOnce = async (): Promise<number> => {
    let total = 0;
    while (!stopped) {
      const deleted = await store.deleteRunsIdleSince(now() - opts.retainDays * DAY_MS, batch);
      total += deleted.length;
      if (deleted.length > 0) opts.onDeleted?.(deleted);
      if (deleted.length < batch) break;
      // Let ingest and readers in between two batches.
      await new Promise((r) => setTimeout(r, 10));
    }
    if (total > 0) opts.log?.info(`retention: deleted ${total} runs idle for over ${opts.retainDays} days`);
    return total;
  };
  const sweep = () => {
    running ??= sweepOnce().finally(() => {
      running = null;
    });
    return running;
  };
  const tick = () => {
    sweep().catch((err: Error) => opts.log?.error(`retention sweep failed (retried later): ${err.message}`));
  };
  const first = setTimeout(tick, 1000);
  const timer = setInterval(tick, opts.everyMs ?? 600_000);
  first.unref();
  timer.unref();
  return {
    sweep,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
