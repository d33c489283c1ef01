// The shareable part of the app's state, kept in the query string: trace source (a URL, or the name
// of a local file that a reload cannot reopen), run, selected call or turn, time window, x mode,
// replay playhead (as a seq) and a scenario comparison. Parsing tolerates anything a user may paste.
import type { TimeWindow, XMode } from './viewport.ts';

export interface CompareLink {
  scenario: string;
  seed: number;
  naive: string | null;
  causal: string | null;
}

export interface UrlState {
  src: string | null;
  /** Name of a file opened from the user's disk: a reload cannot fetch it again. */
  file: string | null;
  run: string | null;
  call: string | null;
  turn: number | null;
  window: TimeWindow | null;
  mode: XMode;
  /** Replay playhead, as the seq of the last event shown. */
  at: number | null;
  compare: CompareLink | null;
}

export const EMPTY_URL_STATE: UrlState = {
  src: null,
  file: null,
  run: null,
  call: null,
  turn: null,
  window: null,
  mode: 'time',
  at: null,
  compare: null,
};

function intOrNull(v: string | null): number | null {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function parseUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const from = Number(q.get('from'));
  const to = Number(q.get('to'));
  const hasWindow = q.has('from') && q.has('to') && Number.isFinite(from) && Number.isFinite(to) && to > from;
  const scenario = q.get('compare') || null;
  const seed = intOrNull(q.get('seed'));
  return {
    src: q.get('src') || null,
    file: q.get('file') || null,
    run: q.get('run') || null,
    call: q.get('call') || null,
    turn: intOrNull(q.get('turn')),
    window: hasWindow ? { start: from, end: to } : null,
    mode: q.get('x') === 'seq' ? 'seq' : 'time',
    at: intOrNull(q.get('at')),
    compare:
      scenario && seed !== null
        ? { scenario, seed, naive: q.get('naive') || null, causal: q.get('causal') || null }
        : null,
  };
}

/** Rewrites the state's keys in `search`, keeping any other parameter (token excepted). */
export function formatUrlState(state: UrlState, search = ''): string {
  const q = new URLSearchParams(search);
  q.delete('token');
  const set = (k: string, v: string | number | null) => (v === null ? q.delete(k) : q.set(k, String(v)));
  set('src', state.src);
  set('file', state.src ? null : state.file);
  set('run', state.run);
  set('call', state.call);
  set('turn', state.turn);
  set('from', state.window ? roundForUrl(state.window.start, state.window) : null);
  set('to', state.window ? roundForUrl(state.window.end, state.window) : null);
  set('x', state.mode === 'seq' ? 'seq' : null);
  set('at', state.at);
  const c = state.compare;
  set('compare', c?.scenario ?? null);
  set('seed', c ? c.seed : null);
  set('naive', c?.naive ?? null);
  set('causal', c?.causal ?? null);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Keys whose change is a new place to go back to (Back and Forward), not a refinement of the view. */
export function isNewPlace(a: UrlState, b: UrlState): boolean {
  return (
    a.src !== b.src ||
    a.file !== b.file ||
    a.run !== b.run ||
    a.call !== b.call ||
    a.turn !== b.turn ||
    a.compare?.scenario !== b.compare?.scenario ||
    a.compare?.seed !== b.compare?.seed
  );
}

/** Enough digits to keep the window exact to a thousandth of its span, and no more. */
function roundForUrl(v: number, w: TimeWindow): string {
  const span = w.end - w.start;
  const digits = Math.max(0, Math.min(6, Math.ceil(-Math.log10(span / 1000))));
  return v.toFixed(digits);
}
