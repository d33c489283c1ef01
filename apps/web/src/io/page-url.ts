// The page's address: reads the shareable view state from the query string and writes it back,
// pushing a history entry for a new place (a run, a comparison, a selection) so Back and Forward
// work, and replacing it for refinements (the window, the playhead). Tells our origin from others.
import { formatUrlState, parseUrlState, type UrlState } from '../model/url-state.ts';

export function readPageUrl(): UrlState {
  return parseUrlState(window.location.search);
}

/** Rewrites the address bar to show `state`, keeping any other query parameter. */
export function writePageUrl(state: UrlState, push = false): void {
  const search = formatUrlState(state, window.location.search);
  if (search === window.location.search) return;
  const url = `${window.location.pathname}${search}`;
  if (push) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}

/** Calls `fn` with the URL's state whenever Back or Forward changes it. */
export function onHistoryMove(fn: (state: UrlState) => void): () => void {
  const listener = () => fn(readPageUrl());
  window.addEventListener('popstate', listener);
  return () => window.removeEventListener('popstate', listener);
}

/** Whether `url` (absolute or relative to this page) is served by this page's origin. */
export function isSameOrigin(url: string): boolean {
  return new URL(url, window.location.href).origin === window.location.origin;
}
