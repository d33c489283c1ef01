// The store slice for finding and navigating: search results, the selected turn, a local file a
// reload could not reopen, follow-live, the collector's paged run list and examples, and the notice
// an action left for the user. Plain data; actions/ writes it.
import type { TimeWindow } from './viewport.ts';

export interface SearchState {
  query: string;
  /** Run the matches belong to. */
  run: string | null;
  /** Call lanes that match, in start order. */
  lanes: Int32Array;
  /** Position in `lanes` of the match Enter last went to, or -1. */
  current: number;
  busy: boolean;
}

export const NO_SEARCH: SearchState = {
  query: '',
  run: null,
  lanes: new Int32Array(0),
  current: -1,
  busy: false,
};

/** What a reload of a page opened from a local file asked for: the browser cannot reopen it. */
export interface MissingFile {
  name: string;
  run: string | null;
  call: string | null;
  window: TimeWindow | null;
}

export interface ExampleItem {
  name: string;
  /** Relative URL of the JSONL file on the collector. */
  url: string;
}

export interface SessionSlice {
  search: SearchState;
  selectedTurn: number | null;
  missingFile: MissingFile | null;
  /** Name of the local file on screen (kept in the URL so a reload can say it is gone). */
  localFile: string | null;
  followLive: boolean;
  /** When the socket last delivered live events for each run (Date.now()). */
  liveSeenAt: Record<string, number>;
  runListQuery: string;
  /** Cursor of the next page of the run list, or null when it is all shown. */
  runListNext: string | null;
  examples: ExampleItem[];
  /** A short message for the user after an action (deleted, uploaded, could not reach…). */
  notice: { text: string; kind: 'info' | 'error' } | null;
  /** Why the collector's API cannot be used (unreachable, or refusing this page), or null. */
  collectorError: string | null;
  /** The theme was picked by the user (remembered), not taken from prefers-color-scheme. */
  themeChosen: boolean;
}

export const SESSION_DEFAULTS: SessionSlice = {
  search: NO_SEARCH,
  selectedTurn: null,
  missingFile: null,
  localFile: null,
  followLive: false,
  liveSeenAt: {},
  runListQuery: '',
  runListNext: null,
  examples: [],
  notice: null,
  themeChosen: false,
  collectorError: null,
};
