// The page's address: reads the shareable view state from the query string and writes it back in
// place (replaceState, so the back button is not flooded), and tells our origin from a foreign one.
import { formatUrlState, parseUrlState, type UrlState } from '../model/url-state.ts';

export function readPageUrl(): UrlState {
  return parseUrlState(window.location.search);
}

/** Rewrites the address bar to show `state`, keeping any other query parameter. */
export function writePageUrl(state: UrlState): void {
  const search = formatUrlState(state, window.location.search);
  if (search !== window.location.search)
    window.history.replaceState(null, '', `${window.location.pathname}${search}`);
}

/** Whether `url` (absolute or relative to this page) is served by this page's origin. */
export function isSameOrigin(url: string): boolean {
  return new URL(url, window.location.href).origin === window.location.origin;
}
