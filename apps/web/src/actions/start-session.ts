// Page startup: takes the token from the URL, finds out whether a collector is there, reopens what
// the URL names (source, run, call, window, x mode), then keeps the URL in step with the view.
import { initAuthToken } from '../io/auth-token.ts';
import { readPageUrl } from '../io/page-url.ts';
import { appStore } from '../model/app-store.ts';
import { connectLive, openCollectorRun, refreshRunList, refreshScenarios } from './live-runs.ts';
import { openUrl } from './open-trace.ts';
import { selectCall } from './selection.ts';
import { keepUrlInSync } from './url-sync.ts';
import { setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

/** Reads the token and the URL, opens what it names, and keeps the URL in step with the view. */
export async function startSession(): Promise<void> {
  initAuthToken();
  const url = readPageUrl();
  set({ mode: url.mode });
  void refreshRunList().then(() => {
    if (get().collector === 'online') {
      connectLive();
      void refreshScenarios();
    }
  });
  let opened = false;
  if (url.src) opened = await openUrl(url.src, url.run);
  else if (url.run) opened = await openCollectorRun(url.run);
  if (opened && url.run && get().runs[url.run]) set({ activeRun: url.run });
  const active = get().activeRun;
  if (opened && url.window && active) setWindow(active, url.window);
  if (opened && url.call) selectCall(url.call);
  keepUrlInSync();
}
