// Puts analyzed runs into the store: the one place the `runs` map and the run order are written.
import { appStore } from '../model/app-store.ts';
import type { TimelineColumns } from '../model/timeline-columns.ts';

/** Adds or replaces runs by id; with `replace`, everything held before is dropped first. */
export function putRuns(cols: readonly TimelineColumns[], replace: boolean): void {
  appStore.setState((s) => {
    const runs = replace ? {} : { ...s.runs };
    const order = replace ? [] : [...s.runOrder];
    for (const c of cols) {
      if (!(c.run in runs)) order.push(c.run);
      runs[c.run] = c;
    }
    return { runs, runOrder: order };
  });
}
