// The one zustand store (vanilla, so io/ can drive it and ui/ can select from it), built from typed
// slices. Windows, scroll and playhead change at frame rate: the canvas reads them via subscribe.
import type { RunListItem, ScenarioListItem } from '@causelane/trace-schema/api';
import { createStore, type StateCreator } from 'zustand/vanilla';
import { type AnomalyFilter, NO_FILTER } from './anomaly-filter.ts';
import type { TimelineColumns } from './timeline-columns.ts';
import type { TimeWindow, XMode } from './viewport.ts';

export interface LoadingState {
  label: string;
  bytes: number;
  total: number | null;
}

export interface TraceSlice {
  runs: Record<string, TimelineColumns>;
  runOrder: string[];
  sourceName: string | null;
  src: string | null;
  loading: LoadingState | null;
  loadError: { message: string; details: string[] } | null;
  putRuns: (cols: TimelineColumns[], replace: boolean) => void;
}

export interface ViewSlice {
  activeRun: string | null;
  selectedCall: string | null;
  selectedAnomaly: number | null;
  mode: XMode;
  /** Visible time window and lane scroll per run. */
  windows: Record<string, TimeWindow>;
  scrollY: Record<string, number>;
  laneViewHeight: number;
  filter: AnomalyFilter;
  theme: 'dark' | 'light';
  setWindow: (run: string, w: TimeWindow) => void;
  setScrollY: (run: string, y: number) => void;
}

export interface ReplaySlice {
  /** Event index of the playhead, or null when replay is off (the whole trace shows). */
  playhead: number | null;
  playing: boolean;
  speed: number;
}

export interface CompareState {
  scenario: string;
  seed: number;
  naive: string | null;
  causal: string | null;
  error: string | null;
}

export interface CollectorSlice {
  collector: 'unknown' | 'online' | 'offline';
  runList: RunListItem[];
  scenarios: ScenarioListItem[];
  compare: CompareState | null;
  /** Runs currently streamed from the collector. */
  liveRuns: string[];
}

export type AppState = TraceSlice & ViewSlice & ReplaySlice & CollectorSlice;
type Slice<T> = StateCreator<AppState, [], [], T>;

const traceSlice: Slice<TraceSlice> = (set) => ({
  runs: {},
  runOrder: [],
  sourceName: null,
  src: null,
  loading: null,
  loadError: null,
  putRuns: (cols, replace) =>
    set((s) => {
      const runs = replace ? {} : { ...s.runs };
      const order = replace ? [] : [...s.runOrder];
      for (const c of cols) {
        if (!(c.run in runs)) order.push(c.run);
        runs[c.run] = c;
      }
      return { runs, runOrder: order };
    }),
});

const viewSlice: Slice<ViewSlice> = (set) => ({
  activeRun: null,
  selectedCall: null,
  selectedAnomaly: null,
  mode: 'time',
  windows: {},
  scrollY: {},
  laneViewHeight: 400,
  filter: NO_FILTER,
  theme: 'dark',
  setWindow: (run, w) =>
    set((s) => {
      const prev = s.windows[run];
      if (prev && prev.start === w.start && prev.end === w.end) return s;
      return { windows: { ...s.windows, [run]: w } };
    }),
  setScrollY: (run, y) => set((s) => (s.scrollY[run] === y ? s : { scrollY: { ...s.scrollY, [run]: y } })),
});

const replaySlice: Slice<ReplaySlice> = () => ({ playhead: null, playing: false, speed: 1 });

const collectorSlice: Slice<CollectorSlice> = () => ({
  collector: 'unknown',
  runList: [],
  scenarios: [],
  compare: null,
  liveRuns: [],
});

export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...traceSlice(...a),
    ...viewSlice(...a),
    ...replaySlice(...a),
    ...collectorSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
export const appStore = createAppStore();
