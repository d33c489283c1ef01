// Search over the active run's calls (names, ids, args, results, errors), answered by the trace
// worker; Enter steps through the matches, each selected and brought into view.
import { traceWorker } from '../io/trace-worker-client.ts';
import { appStore } from '../model/app-store.ts';
import { NO_SEARCH } from '../model/session-state.ts';
import { revealCall } from './selection.ts';

const set = appStore.setState;
const get = appStore.getState;

let asked = 0;

/** Searches the active run for `query`; an older answer that arrives late is dropped. */
export async function searchCalls(query: string): Promise<void> {
  const run = get().activeRun;
  const id = ++asked;
  if (!run || query.trim() === '') {
    set({ search: { ...NO_SEARCH, query } });
    return;
  }
  set((s) => ({ search: { ...s.search, query, run, busy: true } }));
  try {
    const lanes = await traceWorker().search(run, query);
    if (id !== asked) return;
    set({ search: { query, run, lanes, current: -1, busy: false } });
  } catch {
    if (id === asked) set({ search: { ...NO_SEARCH, query, run } });
  }
}

/** Goes to the next (or previous) match: selects its call and scrolls and zooms it into view. */
export function stepSearch(delta: 1 | -1): void {
  const { search } = get();
  const n = search.lanes.length;
  if (!search.run || n === 0) return;
  const current = search.current < 0 ? (delta > 0 ? 0 : n - 1) : (search.current + delta + n) % n;
  set({ search: { ...search, current } });
  revealCall(search.run, search.lanes[current]!);
}

export function clearSearch(): void {
  asked++;
  set({ search: NO_SEARCH });
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * A run's columns were replaced (live update): search it again so the matches stay true, at most
 * once a second, as each new version of a live run rebuilds the worker's index.
 */
export function refreshSearch(run: string): void {
  const { search } = get();
  if (search.run !== run || search.query.trim() === '' || refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    const now = get().search;
    if (now.run === run && now.query.trim() !== '') void searchCalls(now.query);
  }, 1000);
}
