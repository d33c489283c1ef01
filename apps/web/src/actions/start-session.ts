// Page startup: takes the token from the URL, finds out whether a collector is there, reopens what
// the URL names (source, run, call or turn, window, x mode, playhead, comparison), keeps the URL in
// step with the view, and applies Back and Forward the same way.
import { initAuthToken } from '../io/auth-token.ts';
import { onHistoryMove, readPageUrl } from '../io/page-url.ts';
import { appStore } from '../model/app-store.ts';
import { eventIndexOfSeq } from '../model/timeline-columns.ts';
import type { UrlState } from '../model/url-state.ts';
import { closeCompare, openCompareLink } from './compare-scenario.ts';
import { fetchRun } from './fetch-run.ts';
import { connectLive, openCollectorRun, socketStarted } from './live-runs.ts';
import { openUrl } from './open-trace.ts';
import { pauseReplay, setPlayhead, stopReplay } from './replay.ts';
import { refreshExamples, refreshRunList, refreshScenarios } from './run-list.ts';
import { keepUrlInSync, withoutPush } from './url-sync.ts';
import { initTheme, setMode, setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

/** Opens the source and run `url` names, unless they are already open; true when a run is on screen. */
async function openPlace(url: UrlState): Promise<boolean> {
  const s = get();
  if (url.compare) {
    await openCompareLink(url.compare);
    return false;
  }
  if (s.compare) closeCompare();
  if (url.src) {
    if (url.src !== s.src) return openUrl(url.src, url.run);
  } else if (url.file) {
    if (url.file !== s.localFile || !url.run || !s.runOrder.includes(url.run)) {
      // The browser keeps no path to a local file: say so and offer to reopen it (as Perfetto does).
      stopReplay();
      set({
        activeRun: null,
        localFile: null,
        src: null,
        missingFile: { name: url.file, run: url.run, call: url.call, window: url.window },
      });
      return false;
    }
  } else if (url.run) {
    if (!(s.src === null && s.localFile === null && s.runs[url.run] && s.liveRuns.includes(url.run)))
      return openCollectorRun(url.run);
  } else {
    stopReplay();
    set({ activeRun: null, missingFile: null, selectedCall: null, selectedTurn: null });
    return false;
  }
  if (url.run && get().activeRun !== url.run && (await fetchRun(url.run)) && get().activeRun !== url.run) {
    stopReplay();
    set({ activeRun: url.run });
  }
  return get().activeRun !== null;
}

/** Makes the view match `url`: what is open, then window, selection and playhead. */
async function applyUrl(url: UrlState): Promise<void> {
  setMode(url.mode);
  const opened = await openPlace(url);
  const run = get().activeRun;
  const cols = run ? get().runs[run] : undefined;
  if (!opened || !run || !cols) return;
  if (url.window) setWindow(run, url.window);
  set({ selectedCall: url.call, selectedTurn: url.call ? null : url.turn });
  const at = url.at === null ? -1 : eventIndexOfSeq(cols, url.at);
  pauseReplay();
  if (at >= 0) {
    const w = url.window;
    setPlayhead(at);
    // The link's window wins over following the playhead.
    if (w) setWindow(run, w);
  } else if (get().playhead !== null) stopReplay();
}

/**
 * Finds the collector: once it answers, the live socket connects and the scenarios and examples
 * load; while it does not, it is asked again every few seconds (the offline badge shows meanwhile).
 */
async function watchCollector(): Promise<void> {
  await refreshRunList();
  if (get().collector === 'online') {
    connectLive();
    if (get().scenarios.length === 0) void refreshScenarios();
    if (get().examples.length === 0) void refreshExamples();
  } else if (!socketStarted()) setTimeout(() => void watchCollector(), 3000);
}

/** Reads the token and the URL, opens what it names, and keeps the URL in step with the view. */
export async function startSession(): Promise<void> {
  initAuthToken();
  initTheme();
  void watchCollector();
  keepUrlInSync();
  await withoutPush(() => applyUrl(readPageUrl()));
  onHistoryMove((url) => void withoutPush(() => applyUrl(url)));
}
