// Brings a run of the loaded file to the main thread when it is opened: the worker builds its
// columns (analyzing it at once if its background pass has not reached it yet).
import { traceWorker } from '../io/trace-worker-client.ts';
import { appStore } from '../model/app-store.ts';
import type { TimelineColumns } from '../model/timeline-columns.ts';
import { putFileRun } from './put-runs.ts';

const get = appStore.getState;

/** Bumped by each loaded file: columns asked of an older file's run are dropped. */
let fileGen = 0;
const asked = new Map<string, Promise<TimelineColumns | null>>();

/** A new file replaced the open one. */
export function newFileLoaded(): void {
  fileGen++;
  asked.clear();
}

/** The run's columns: held already, or fetched from the worker; null if no open run has that id. */
export function fetchRun(run: string): Promise<TimelineColumns | null> {
  const held = get().runs[run];
  if (held) return Promise.resolve(held);
  if (!get().runOrder.includes(run)) return Promise.resolve(null);
  let p = asked.get(run);
  if (!p) {
    const gen = fileGen;
    p = traceWorker()
      .open(run)
      .then((cols) => {
        if (gen !== fileGen) return null;
        putFileRun(cols);
        return cols;
      })
      .catch(() => null)
      .finally(() => {
        if (gen === fileGen) asked.delete(run);
      });
    asked.set(run, p);
  }
  return p;
}
