// How the view is set up, apart from what is selected: the visible window and lane scroll per run,
// the x mode, the anomaly filter, the theme (system or remembered pick) and the lanes' height.
import { onSystemThemeChange, savedTheme, saveTheme, systemTheme } from '../io/theme-pref.ts';
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

/** The user's pick: remembered, and no longer following the system. */
export function toggleTheme(): void {
  const theme = get().theme === 'dark' ? 'light' : 'dark';
  saveTheme(theme);
  set({ theme, themeChosen: true });
}

/** Starts with the remembered pick, else the system's scheme, and follows the system until a pick. */
export function initTheme(): () => void {
  const saved = savedTheme();
  set({ theme: saved ?? systemTheme(), themeChosen: saved !== null });
  return onSystemThemeChange((theme) => {
    if (!get().themeChosen) set({ theme });
  });
}

/** Shows the whole run again (`0`, or a double-click on the timeline). */
export function resetZoom(run: string): void {
  const s = get();
  const cols = s.runs[run];
  if (cols) setWindow(run, fullWindow(cols, s.mode));
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
