// The one zustand store (vanilla, so actions/ can write it and ui/ can select from it), built from
// typed slices of plain data: it holds no setters, so only code that reaches `setState` (actions/)
// can change it. Windows, scroll and playhead change at frame rate: the canvas reads them via subscribe.
import type { RunListItem, ScenarioListItem } from '@causelane/trace-schema/protocol';
import { createStore, type StateCreator } from 'zustand/vanilla';
import { type AnomalyFilter, NO_FILTER } from './anomaly-filter.ts';
import { SESSION_DEFAULTS, type SessionSlice } from './session-state.ts';
import type { TimelineColumns } from './timeline-columns.ts';
import type { TimeWindow, XMode } from './viewport.ts';

export interface LoadingState {
  label: string;
  bytes: number;
  total: number | null;
}

/** A run's anomaly counts by severity. */
export interface RunCounts {
  error: number;
  warning: number;
  info: number;
}

export interface TraceSlice {
  /** Runs whose columns the main thread holds (the open file's: those opened so far). */
  runs: Record<string, TimelineColumns>;
  /** Every run open: the loaded file's (columns fetched when one is opened) and live ones. */
  runOrder: string[];
  /** Counts of the loaded file's runs as the worker analyzes them; a run not analyzed yet has none. */
  runCounts: Record<string, RunCounts>;
  /** The worker's pass over the file's other runs: `done` of `total` analyzed; null when none is under way. */
  analyzing: { done: number; total: number } | null;
  sourceName: string | null;
  src: string | null;
  loading: LoadingState | null;
  loadError: { message: string; details: string[] } | null;
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
}

export interface ReplaySlice {
  /** Event index of the playhead, or null when replay is off (the whole trace shows). */
  playhead: number | null;
  playing: boolean;
  /** Multiple of real time (events per second in seq mode); null plays the whole trace in ~10 s. */
  speed: number | null;
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

export type AppState = TraceSlice & ViewSlice & ReplaySlice & CollectorSlice & SessionSlice;
type Slice<T> = StateCreator<AppState, [], [], T>;

const traceSlice: Slice<TraceSlice> = () => ({
  runs: {},
  runOrder: [],
  runCounts: {},
  analyzing: null,
  sourceName: null,
  src: null,
  loading: null,
  loadError: null,
});

const viewSlice: Slice<ViewSlice> = () => ({
  activeRun: null,
  selectedCall: null,
  selectedAnomaly: null,
  mode: 'time',
  windows: {},
  scrollY: {},
  laneViewHeight: 400,
  filter: NO_FILTER,
  theme: 'dark',
});

const replaySlice: Slice<ReplaySlice> = () => ({ playhead: null, playing: false, speed: null });

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
    ...SESSION_DEFAULTS,
  }));
}

export const appStore = createAppStore();
