// Keeps the address bar in step with the view, so a link reopens what is on screen: a new place (a
// run, a comparison, a selection) pushes a history entry, so Back and Forward work; refinements (the
// window at frame rate, the playhead) replace it, debounced.
import { writePageUrl } from '../io/page-url.ts';
import { type AppState, appStore } from '../model/app-store.ts';
import { isNewPlace, type UrlState } from '../model/url-state.ts';

let urlTimer: ReturnType<typeof setTimeout> | null = null;
let lastWritten: UrlState | null = null;
/** While Back/Forward is being applied, the URL already says where we are: nothing is pushed. */
let replaying = 0;

/** The URL state of what is on screen. */
export function urlStateOf(s: AppState): UrlState {
  const missing = s.missingFile;
  const run = s.compare ? null : (s.activeRun ?? missing?.run ?? null);
  const cols = run ? s.runs[run] : undefined;
  const at = cols && s.playhead !== null && s.playhead < cols.eventCount ? cols.seq[s.playhead]! : null;
  return {
    src: s.compare ? null : s.src,
    file: s.compare ? null : (s.localFile ?? missing?.name ?? null),
    run,
    call: s.compare ? null : (s.selectedCall ?? (s.activeRun ? null : (missing?.call ?? null))),
    turn: s.compare ? null : s.selectedTurn,
    window: run ? (s.windows[run] ?? missing?.window ?? null) : null,
    mode: s.mode,
    at,
    compare: s.compare && {
      scenario: s.compare.scenario,
      seed: s.compare.seed,
      naive: s.compare.naive,
      causal: s.compare.causal,
    },
  };
}

function writeUrl(): void {
  urlTimer = null;
  const next = urlStateOf(appStore.getState());
  const push = replaying === 0 && lastWritten !== null && isNewPlace(lastWritten, next);
  writePageUrl(next, push);
  lastWritten = next;
}

function urlStateChanged(s: AppState, prev: AppState): boolean {
  return (
    s.activeRun !== prev.activeRun ||
    s.selectedCall !== prev.selectedCall ||
    s.selectedTurn !== prev.selectedTurn ||
    s.windows !== prev.windows ||
    s.mode !== prev.mode ||
    s.src !== prev.src ||
    s.localFile !== prev.localFile ||
    s.missingFile !== prev.missingFile ||
    s.compare !== prev.compare ||
    s.playhead !== prev.playhead
  );
}

/** Applies Back/Forward (or a start-up link) without pushing what it changes. */
export async function withoutPush(fn: () => Promise<void>): Promise<void> {
  replaying++;
  try {
    await fn();
  } finally {
    if (urlTimer) clearTimeout(urlTimer);
    writeUrl();
    replaying--;
  }
}

/** From now on, rewrites the URL shortly after each change to what it shows. */
export function keepUrlInSync(): () => void {
  lastWritten = urlStateOf(appStore.getState());
  return appStore.subscribe((s, prev) => {
    if (!urlStateChanged(s, prev)) return;
    if (urlTimer) clearTimeout(urlTimer);
    // A new place is written at once (so a quick Back finds it); a window change waits for the gesture.
    const soon = replaying === 0 && lastWritten !== null && isNewPlace(lastWritten, urlStateOf(s));
    urlTimer = setTimeout(writeUrl, soon ? 0 : 200);
  });
}
