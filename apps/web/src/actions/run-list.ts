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

let listAsked = 0;

/** Reloads the list from its first page (as many rows as are shown, up to ten pages). */
export async function refreshRunList(): Promise<void> {
  const id = ++listAsked;
  const s = get();
  const limit = Math.min(RUN_PAGE * 10, Math.max(RUN_PAGE, s.runList.length));
  try {
    const page = await listRuns({ limit, q: s.runListQuery });
    if (id !== listAsked) return;
    set({ runList: page.runs, runListNext: page.next, collector: 'online', collectorError: null });
  } catch (err) {
    if (id !== listAsked) return;
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

/** Appends the next page. */
export async function loadMoreRuns(): Promise<void> {
  const s = get();
  if (!s.runListNext) return;
  const id = ++listAsked;
  try {
    const page = await listRuns({ limit: RUN_PAGE, cursor: s.runListNext, q: s.runListQuery });
    if (id !== listAsked) return;
    set((st) => ({ runList: [...st.runList, ...page.runs], runListNext: page.next }));
  } catch (err) {
    set({ notice: { kind: 'error', text: (err as Error).message } });
  }
}

/** Searches the list by run id or agent (on the collector). */
export function setRunListQuery(q: string): Promise<void> {
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
