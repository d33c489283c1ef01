// Keeps the address bar in step with the view (source, run, call, window, x mode), so a link
// reopens what is on screen; writes are debounced, as the window changes at frame rate.
import { writePageUrl } from '../io/page-url.ts';
import { type AppState, appStore } from '../model/app-store.ts';

let urlTimer: ReturnType<typeof setTimeout> | null = null;

function writeUrl(): void {
  const s = appStore.getState();
  const run = s.activeRun;
  writePageUrl({
    src: s.src,
    run,
    call: s.selectedCall,
    window: run ? (s.windows[run] ?? null) : null,
    mode: s.mode,
  });
}

function urlStateChanged(s: AppState, prev: AppState): boolean {
  return (
    s.activeRun !== prev.activeRun ||
    s.selectedCall !== prev.selectedCall ||
    s.windows !== prev.windows ||
    s.mode !== prev.mode ||
    s.src !== prev.src
  );
}

/** From now on, rewrites the URL 200 ms after the last change to what it shows. */
export function keepUrlInSync(): () => void {
  return appStore.subscribe((s, prev) => {
    if (!urlStateChanged(s, prev)) return;
    if (urlTimer) clearTimeout(urlTimer);
    urlTimer = setTimeout(writeUrl, 200);
  });
}
