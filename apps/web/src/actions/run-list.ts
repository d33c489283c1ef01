// The collector's run list, a page at a time (never 200k runs at once), searched by the collector;
// deleting a run and uploading a trace file; the scenarios and public examples it offers.
import {
  CollectorUnreachable,
  deleteRun,
  listExamples,
  listRuns,
  listScenarios,
  uploadTrace,
} from '../io/collector-api.ts';
import { appStore } from '../model/app-store.ts';

const set = appStore.setState;
const get = appStore.getState;

/** Runs per page of the list. */
export const RUN_PAGE = 50;

/** Bumped when the search changes: an answer for an older search is dropped. */
let queryGen = 0;
let inFlight: Promise<void> | null = null;
let again = false;

async function fetchFirstPages(): Promise<void> {
  const gen = queryGen;
  const s = get();
  const limit = Math.min(RUN_PAGE * 10, Math.max(RUN_PAGE, s.runList.length));
  try {
    const page = await listRuns({ limit, q: s.runListQuery });
    if (gen !== queryGen) return;
    set({ runList: page.runs, runListNext: page.next, collector: 'online', collectorError: null });
  } catch (err) {
    if (gen !== queryGen) return;
    const message = (err as Error).message;
    const refused = /HTTP 401|unauthorized/i.test(message)
      ? 'it needs a token: open this page with ?token=YOUR_TOKEN'
      : null;
    set({
      collector: 'offline',
      collectorError: err instanceof CollectorUnreachable ? message : (refused ?? message),
    });
  }
}

/**
 * Reloads the list from its first page (as many rows as are shown, up to ten pages). Calls made
 * while one is in flight coalesce into one more request after it, so a busy collector announcing
 * changes faster than it answers still gets its list shown.
 */
export function refreshRunList(): Promise<void> {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  inFlight = (async () => {
    do {
      again = false;
      await fetchFirstPages();
    } while (again);
  })().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/** Appends the next page. */
export async function loadMoreRuns(): Promise<void> {
  const s = get();
  if (!s.runListNext) return;
  const gen = queryGen;
  try {
    const page = await listRuns({ limit: RUN_PAGE, cursor: s.runListNext, q: s.runListQuery });
    if (gen !== queryGen) return;
    set((st) => ({ runList: [...st.runList, ...page.runs], runListNext: page.next }));
  } catch (err) {
    set({ notice: { kind: 'error', text: (err as Error).message } });
  }
}

/** Searches the list by run id or agent (on the collector). */
export function setRunListQuery(q: string): Promise<void> {
  queryGen++;
  set({ runListQuery: q, runList: [] });
  return refreshRunList();
}

/** Deletes a run from the collector (the caller asked the user first). */
export async function removeRun(id: string): Promise<boolean> {
  try {
    await deleteRun(id);
    set((s) => ({
      runList: s.runList.filter((r) => r.id !== id),
      notice: { kind: 'info', text: `Deleted run ${id}.` },
    }));
    return true;
  } catch (err) {
    set({ notice: { kind: 'error', text: (err as Error).message } });
    return false;
  } finally {
    void refreshRunList();
  }
}

/** Uploads a JSONL file to the collector; resolves with the runs it holds. */
export async function uploadFile(file: File): Promise<string[]> {
  try {
    const res = await uploadTrace(file, file.name);
    set({
      notice: {
        kind: 'info',
        text: `Uploaded ${file.name}: ${res.runs.length === 1 ? `run ${res.runs[0]}` : `${res.runs.length} runs`}, ${res.stored} events stored.`,
      },
    });
    void refreshRunList();
    return res.runs;
  } catch (err) {
    set({ notice: { kind: 'error', text: (err as Error).message } });
    return [];
  }
}

export function dismissNotice(): void {
  set({ notice: null });
}

export async function refreshScenarios(): Promise<void> {
  try {
    set({ scenarios: await listScenarios() });
  } catch {
    // The run list call reports whether the collector is reachable.
  }
}

export async function refreshExamples(): Promise<void> {
  try {
    set({ examples: await listExamples() });
  } catch {
    // An older collector serves no examples: the empty state then offers none.
  }
}
