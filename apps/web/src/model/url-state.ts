// The shareable part of the app's state, kept in the query string: trace source, run, selected
// call, time window and x mode. Parsing tolerates anything a user may paste.
import type { TimeWindow, XMode } from './viewport.ts';

export interface UrlState {
  src: string | null;
  run: string | null;
  call: string | null;
  window: TimeWindow | null;
  mode: XMode;
}

export function parseUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const from = Number(q.get('from'));
  const to = Number(q.get('to'));
  const hasWindow = q.has('from') && q.has('to') && Number.isFinite(from) && Number.isFinite(to) && to > from;
  return {
    src: q.get('src') || null,
    run: q.get('run') || null,
    call: q.get('call') || null,
    window: hasWindow ? { start: from, end: to } : null,
    mode: q.get('x') === 'seq' ? 'seq' : 'time',
  };
}

/** Rewrites the state's keys in `search`, keeping any other parameter (token excepted). */
export function formatUrlState(state: UrlState, search = ''): string {
  const q = new URLSearchParams(search);
  q.delete('token');
  const set = (k: string, v: string | null) => (v === null ? q.delete(k) : q.set(k, v));
  set('src', state.src);
  set('run', state.run);
  set('call', state.call);
  set('from', state.window ? roundForUrl(state.window.start, state.window) : null);
  set('to', state.window ? roundForUrl(state.window.end, state.window) : null);
  set('x', state.mode === 'seq' ? 'seq' : null);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Enough digits to keep the window exact to a thousandth of its span, and no more. */
function roundForUrl(v: number, w: TimeWindow): string {
  const span = w.end - w.start;
  const digits = Math.max(0, Math.min(6, Math.ceil(-Math.log10(span / 1000))));
  return v.toFixed(digits);
}
