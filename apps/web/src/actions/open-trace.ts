// Opens a trace file, URL or pasted text: the worker streams and parses it and analyzes the run to
// show, and the store gets the file's runs in place of whatever was open (the others' counts follow). A bad file changes nothing but the error.
// A local file is remembered by name only; reopening the file a reload lost restores that view.
import { authHeaders } from '../io/auth-token.ts';
import { isSameOrigin } from '../io/page-url.ts';
import { TraceLoadError, traceWorker } from '../io/trace-worker-client.ts';
import type { LoadSource } from '../io/worker-protocol.ts';
import { appStore } from '../model/app-store.ts';
import { newFileLoaded } from './fetch-run.ts';
import { unwatchRun } from './live-runs.ts';
import { putLoadedFile, putRunCounts } from './put-runs.ts';
import { stopReplay } from './replay.ts';
import { setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

/** Opens a trace file, URL or text; replaces what is open. A bad file changes nothing. */
export async function openTrace(
  source: LoadSource,
  opts: { src?: string | null; run?: string | null } = {},
): Promise<boolean> {
  const label = source.type === 'file' ? source.file.name : source.type === 'url' ? source.url : source.name;
  set({ loading: { label, bytes: 0, total: null }, loadError: null });
  const missing = source.type === 'file' ? get().missingFile : null;
  try {
    // The worker analyzes the run asked for (else the first) before answering; the file's other
    // runs follow in the background, their counts arriving in batches.
    const res = await traceWorker().load(
      source,
      opts.run ?? missing?.run ?? null,
      (bytes, total) => set({ loading: { label, bytes, total } }),
      (batch) => {
        putRunCounts(batch);
        if (batch.done === batch.total)
          performance.mark('causelane:analyzed', { detail: { runs: batch.total } });
      },
    );
    // Where the load went (read = stream + parse + validate; analyze = model, rules and columns of the
    // active run), for `pnpm bench:web` and the performance panel.
    performance.mark('causelane:loaded', { detail: res.timings });
    stopReplay();
    for (const r of get().liveRuns) unwatchRun(r);
    newFileLoaded();
    const run = res.active;
    putLoadedFile(res.runIds, run, {
      liveRuns: [],
      compare: null,
      scrollY: {},
      selectedAnomaly: null,
      selectedCall: null,
      selectedTurn: null,
      missingFile: null,
      sourceName: res.name,
      src: opts.src ?? null,
      localFile: source.type === 'file' ? source.file.name : null,
      loading: null,
    });
    // The same file reopened after a reload: back to the window and call the link named.
    if (missing && run.run === missing.run) {
      if (missing.window) setWindow(run.run, missing.window);
      if (missing.call) set({ selectedCall: missing.call });
    }
    return true;
  } catch (err) {
    const details = err instanceof TraceLoadError ? err.details : [];
    set({ loading: null, loadError: { message: (err as Error).message, details } });
    return false;
  }
}

/** Opens a trace by URL (`?src=`); only our own collector is sent the token. */
export function openUrl(url: string, run: string | null = null): Promise<boolean> {
  return openTrace({ type: 'url', url, headers: isSameOrigin(url) ? authHeaders() : {} }, { src: url, run });
}
