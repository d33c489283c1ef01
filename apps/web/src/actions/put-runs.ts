// Puts runs into the store: the one place the `runs` map, the run order and the runs' counts are
// written. A loaded file's runs go in with one write however many there are.

import type { SummaryBatch } from '../io/worker-protocol.ts';
import { countBySeverity } from '../model/anomaly-filter.ts';
import { type AppState, appStore } from '../model/app-store.ts';
import type { TimelineColumns } from '../model/timeline-columns.ts';
import { fullWindow } from '../model/viewport.ts';

/** Adds or replaces runs by id (live runs); with `replace`, everything held before is dropped first. */
export function putRuns(cols: readonly TimelineColumns[], replace: boolean): void {
  appStore.setState((s) => {
    const runs = replace ? {} : { ...s.runs };
    const order = replace ? [] : [...s.runOrder];
    let runCounts = replace ? {} : s.runCounts;
    for (const c of cols) {
      if (!(c.run in runs) && !order.includes(c.run)) order.push(c.run);
      runs[c.run] = c;
      // A live run replaces a file's run of the same name: its counts come from its columns now.
      if (c.run in runCounts) {
        runCounts = { ...runCounts };
        delete runCounts[c.run];
      }
    }
    return { runs, runOrder: order, runCounts };
  });
}

/**
 * A newly loaded file in place of everything held: its runs in file order, the active one's columns
 * (shown whole) and counts; the others have no columns until opened and no counts until analyzed.
 */
export function putLoadedFile(runIds: string[], active: TimelineColumns, more: Partial<AppState>): void {
  appStore.setState((s) => ({
    ...more,
    runs: { [active.run]: active },
    runOrder: runIds,
    runCounts: { [active.run]: countBySeverity(active.anomalies) },
    analyzing: runIds.length > 1 ? { done: 1, total: runIds.length } : null,
    windows: { [active.run]: fullWindow(active, s.mode) },
    activeRun: active.run,
  }));
}

/** Another run of the loaded file, fetched when it is opened: its columns, counts and whole window. */
export function putFileRun(cols: TimelineColumns): void {
  appStore.setState((s) => ({
    runs: { ...s.runs, [cols.run]: cols },
    runCounts: { ...s.runCounts, [cols.run]: countBySeverity(cols.anomalies) },
    windows: s.windows[cols.run] ? s.windows : { ...s.windows, [cols.run]: fullWindow(cols, s.mode) },
  }));
}

/** Counts of runs the worker analyzed in the background, one write per batch. */
export function putRunCounts(batch: SummaryBatch): void {
  appStore.setState((s) => {
    const runCounts = { ...s.runCounts };
    for (const { run, error, warning, info } of batch.summaries) runCounts[run] = { error, warning, info };
    return {
      runCounts,
      analyzing: batch.done < batch.total ? { done: batch.done, total: batch.total } : null,
    };
  });
}
