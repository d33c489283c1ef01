// What the user is looking at: the active run, the selected call, turn and anomaly, "zoom to this
// anomaly" (moves the window and the lane scroll to its proof), jump to turn N, and Escape.
import { appStore } from '../model/app-store.ts';
import { layoutOf, scrollToRow } from '../model/lane-layout.ts';
import type { PlacedAnomaly } from '../model/timeline-columns.ts';
import { fullWindow, positionOf, type TimeWindow, windowAround } from '../model/viewport.ts';
import { fetchRun } from './fetch-run.ts';
import { stopReplay } from './replay.ts';
import { setScrollY, setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

export function selectCall(call: string | null): void {
  set({ selectedCall: call, selectedTurn: null });
}

/** A click on a lane of `run`'s timeline: makes the run active and selects `call` when there is one. */
export function selectInRun(run: string, call: string | null): void {
  if (get().activeRun !== run) set({ activeRun: run });
  if (call !== null) selectCall(call);
}

/** Escape: nothing selected (call, turn or anomaly). */
export function clearSelection(): void {
  set({ selectedCall: null, selectedTurn: null, selectedAnomaly: null });
}

let activation = 0;

/**
 * Shows another run of the open source (a trace file can hold several): a run the main thread has
 * no columns for yet is fetched first (the worker analyzes it ahead of its queue). The last pick wins.
 */
export async function activateRun(run: string): Promise<void> {
  const id = ++activation;
  const cols = await fetchRun(run);
  if (!cols || id !== activation) return;
  stopReplay();
  set({ activeRun: run, selectedCall: null, selectedTurn: null, selectedAnomaly: null, compare: null });
}

/** Scrolls the lanes so `row` shows, and zooms to [a, b] (positions) unless they are already visible. */
function reveal(run: string, row: number, a: number | null, b: number | null, zoom: boolean): void {
  const s = get();
  const cols = s.runs[run]!;
  const full = fullWindow(cols, s.mode);
  const w: TimeWindow = s.windows[run] ?? full;
  if (a !== null && b !== null && (zoom || a < w.start || b > w.end))
    setWindow(run, windowAround(a, b, full));
  setScrollY(run, scrollToRow(layoutOf(cols), s.scrollY[run] ?? 0, s.laneViewHeight, row));
}

/** Selects call lane `lane` of `run` and brings its bar into view (search results step here). */
export function revealCall(run: string, lane: number): void {
  const s = get();
  const cols = s.runs[run];
  if (!cols || lane < 0 || lane >= cols.callCount) return;
  const evs = [
    cols.callListed[lane]!,
    cols.callStart[lane]!,
    cols.callEnd[lane]!,
    cols.callCommit[lane]!,
  ].filter((e) => e >= 0);
  const pos = evs.map((e) => positionOf(cols, s.mode, e));
  const has = pos.length > 0;
  reveal(
    run,
    layoutOf(cols).callRow[lane]!,
    has ? Math.min(...pos) : null,
    has ? Math.max(...pos) : null,
    false,
  );
  set({ selectedCall: cols.callId[lane]!, selectedTurn: null, activeRun: run });
}

/** Selects turn `turn` (its number) of the active run and zooms to it, request to next request. */
export function jumpToTurn(turn: number): boolean {
  const s = get();
  const run = s.activeRun;
  const cols = run ? s.runs[run] : undefined;
  if (!run || !cols) return false;
  const ti = cols.turnNumber.indexOf(turn);
  if (ti < 0) return false;
  const rq = cols.turnRequest[ti]!;
  const next = ti + 1 < cols.turnCount ? cols.turnRequest[ti + 1]! : -1;
  let last = next >= 0 ? next : cols.eventCount - 1;
  for (let c = cols.turnFirstCall[ti]!; c < cols.turnFirstCall[ti]! + cols.turnCallCount[ti]!; c++)
    last = Math.max(last, cols.callEnd[c]!, cols.callCommit[c]!, cols.callOrphan[c]!);
  const first = Math.max(rq, 0);
  reveal(
    run,
    layoutOf(cols).turnRow[ti]!,
    positionOf(cols, s.mode, first),
    positionOf(cols, s.mode, last),
    true,
  );
  set({ selectedTurn: turn, selectedCall: null, selectedAnomaly: null });
  return true;
}

/**
 * Zooms the timeline to an anomaly's proof and selects what it is about: its call, or for a
 * turn-level anomaly (commit order) the turn, whose commits the turn inspector lists.
 */
export function focusAnomaly(a: PlacedAnomaly): void {
  const s = get();
  const cols = s.runs[a.run];
  if (!cols) return;
  const evs = a.evs.filter((e) => e >= 0);
  if (evs.length > 0) {
    const pos = evs.map((e) => positionOf(cols, s.mode, e));
    setWindow(a.run, windowAround(Math.min(...pos), Math.max(...pos), fullWindow(cols, s.mode)));
  }
  const lane = a.call === null ? -1 : cols.callId.indexOf(a.call);
  const layout = layoutOf(cols);
  const row = lane >= 0 ? layout.callRow[lane]! : (layout.turnRow[cols.turnNumber.indexOf(a.turn)] ?? 0);
  setScrollY(a.run, scrollToRow(layout, s.scrollY[a.run] ?? 0, s.laneViewHeight, row));
  set({
    selectedAnomaly: a.id,
    selectedCall: a.call,
    selectedTurn: a.call === null ? a.turn : null,
    activeRun: a.run,
  });
}

/** Focuses anomaly `id` of `run` (the ids index the run's anomaly list). */
export function focusAnomalyOf(run: string, id: number): void {
  const a = get().runs[run]?.anomalies[id];
  if (a) focusAnomaly(a);
}
