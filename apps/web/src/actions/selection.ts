// What the user is looking at: the active run, the selected call and the selected anomaly, and
// "zoom to this anomaly", which moves the window and the lane scroll to its proof.
import { appStore } from '../model/app-store.ts';
import { layoutOf, scrollToRow } from '../model/lane-layout.ts';
import type { PlacedAnomaly } from '../model/timeline-columns.ts';
import { fullWindow, positionOf, windowAround } from '../model/viewport.ts';
import { stopReplay } from './replay.ts';
import { setScrollY, setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

export function selectCall(call: string | null): void {
  set({ selectedCall: call });
}

/** A click on a lane of `run`'s timeline: makes the run active and selects `call` when there is one. */
export function selectInRun(run: string, call: string | null): void {
  if (get().activeRun !== run) set({ activeRun: run });
  if (call !== null) selectCall(call);
}

/** Shows another run of the open source (a trace file can hold several). */
export function activateRun(run: string): void {
  if (!get().runs[run]) return;
  stopReplay();
  set({ activeRun: run, selectedCall: null, selectedAnomaly: null, compare: null });
}

/** Zooms the timeline to an anomaly's proof and selects the call it is about. */
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
  set({ selectedAnomaly: a.id, selectedCall: a.call ?? s.selectedCall, activeRun: a.run });
}

/** Focuses anomaly `id` of `run` (the ids index the run's anomaly list). */
export function focusAnomalyOf(run: string, id: number): void {
  const a = get().runs[run]?.anomalies[id];
  if (a) focusAnomaly(a);
}
