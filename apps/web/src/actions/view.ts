// How the view is set up, apart from what is selected: the visible window and lane scroll per run,
// the x mode, the anomaly filter, the theme and the height the lanes get on screen.
import type { AnomalyFilter } from '../model/anomaly-filter.ts';
import { appStore } from '../model/app-store.ts';
import { layoutOf, maxScroll } from '../model/lane-layout.ts';
import { fullWindow, type TimeWindow, type XMode } from '../model/viewport.ts';

const set = appStore.setState;
const get = appStore.getState;

export function setWindow(run: string, w: TimeWindow): void {
  const prev = get().windows[run];
  if (prev && prev.start === w.start && prev.end === w.end) return;
  set((s) => ({ windows: { ...s.windows, [run]: w } }));
}

export function setScrollY(run: string, y: number): void {
  if (get().scrollY[run] === y) return;
  set((s) => ({ scrollY: { ...s.scrollY, [run]: y } }));
}

/** Switches the x axis between wall clock and seq order; every run shows whole again. */
export function setMode(mode: XMode): void {
  const s = get();
  if (s.mode === mode) return;
  const windows: Record<string, TimeWindow> = {};
  for (const [run, cols] of Object.entries(s.runs)) windows[run] = fullWindow(cols, mode);
  set({ mode, windows });
}

export function setFilter(filter: AnomalyFilter): void {
  set({ filter });
}

export function toggleTheme(): void {
  set((s) => ({ theme: s.theme === 'dark' ? 'light' : 'dark' }));
}

/** The main timeline's lane area height, which "scroll to this anomaly" keeps its row inside. */
export function setLaneViewHeight(height: number): void {
  set({ laneViewHeight: height });
}

/** Scrolls `run`'s lanes by `dy` pixels, kept between the first row and the last row's bottom. */
export function scrollLanesBy(run: string, dy: number, viewHeight: number): void {
  const s = get();
  const cols = s.runs[run];
  if (!cols) return;
  const max = maxScroll(layoutOf(cols), viewHeight);
  setScrollY(run, Math.max(0, Math.min(max, (s.scrollY[run] ?? 0) + dy)));
}
