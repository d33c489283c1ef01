// Moving through a run by its evidence: centre one event of a proof (the clickable "Proof: events
// seq …" line), and step to the next or previous anomaly (n / p) or turn ([ / ]) in timeline order.
import { filterAnomalies } from '../model/anomaly-filter.ts';
import { appStore } from '../model/app-store.ts';
import { layoutOf, scrollToRow } from '../model/lane-layout.ts';
import type { PlacedAnomaly, TimelineColumns } from '../model/timeline-columns.ts';
import { clampWindow, fullWindow, positionOf, type XMode } from '../model/viewport.ts';
import { focusAnomaly, jumpToTurn } from './selection.ts';
import { setScrollY, setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

/**
 * Centres event `ev` of `run` (keeping the zoom, unless the whole run shows: then it zooms in to a
 * few turns around it), scrolls its row into view and selects its call. The selected anomaly stays,
 * so its proof arrows stay drawn.
 */
export function focusEvent(run: string, ev: number): void {
  const s = get();
  const cols = s.runs[run];
  if (!cols || ev < 0 || ev >= cols.eventCount) return;
  const full = fullWindow(cols, s.mode);
  const w = s.windows[run] ?? full;
  let span = w.end - w.start;
  if (span >= (full.end - full.start) * 0.9 && cols.turnCount > 20)
    span = (full.end - full.start) / (cols.turnCount / 4);
  const at = positionOf(cols, s.mode, ev);
  setWindow(run, clampWindow({ start: at - span / 2, end: at + span / 2 }, full));
  const lane = cols.lane[ev]!;
  const layout = layoutOf(cols);
  const row = lane >= 0 ? layout.callRow[lane]! : 0;
  setScrollY(run, scrollToRow(layout, s.scrollY[run] ?? 0, s.laneViewHeight, row));
  set({ activeRun: run, ...(lane >= 0 ? { selectedCall: cols.callId[lane]!, selectedTurn: null } : {}) });
}

/** Where an anomaly sits on the x axis: its first proof event. */
function anomalyPos(cols: TimelineColumns, mode: XMode, a: PlacedAnomaly): number {
  const ev = a.evs.find((e) => e >= 0);
  return ev === undefined ? Number.NaN : positionOf(cols, mode, ev);
}

/** Selects and zooms to the next (1) or previous (-1) shown anomaly along the timeline. */
export function stepAnomaly(dir: 1 | -1): void {
  const s = get();
  const cols = s.activeRun ? s.runs[s.activeRun] : undefined;
  if (!cols) return;
  const list = filterAnomalies(cols.anomalies, s.filter)
    .map((a) => ({ a, pos: anomalyPos(cols, s.mode, a) }))
    .filter((x) => Number.isFinite(x.pos))
    .sort((x, y) => x.pos - y.pos || x.a.id - y.a.id);
  if (list.length === 0) return;
  const cur = list.findIndex((x) => x.a.id === s.selectedAnomaly);
  let next: number;
  if (cur >= 0) next = Math.max(0, Math.min(list.length - 1, cur + dir));
  else {
    const w = s.windows[cols.run] ?? fullWindow(cols, s.mode);
    const mid = (w.start + w.end) / 2;
    next = dir > 0 ? list.findIndex((x) => x.pos >= mid) : list.findLastIndex((x) => x.pos < mid);
    if (next < 0) next = dir > 0 ? list.length - 1 : 0;
  }
  focusAnomaly(list[next]!.a);
}

/** Selects and zooms to the next (1) or previous (-1) turn: from the selected one, else the view's. */
export function stepTurn(dir: 1 | -1): void {
  const s = get();
  const cols = s.activeRun ? s.runs[s.activeRun] : undefined;
  if (!cols || cols.turnCount === 0) return;
  let ti = s.selectedTurn === null ? -1 : cols.turnNumber.indexOf(s.selectedTurn);
  if (ti < 0 && s.selectedCall !== null) {
    const lane = cols.callId.indexOf(s.selectedCall);
    if (lane >= 0) ti = cols.turnNumber.indexOf(cols.callTurn[lane]!);
  }
  if (ti >= 0) ti += dir;
  else {
    // No turn selected: the first turn starting after the view's centre (or the last before it).
    const w = s.windows[cols.run] ?? fullWindow(cols, s.mode);
    const mid = (w.start + w.end) / 2;
    const pos = (k: number) => {
      const rq = cols.turnRequest[k]!;
      return rq < 0 ? Number.NaN : positionOf(cols, s.mode, rq);
    };
    ti = -1;
    for (let k = 0; k < cols.turnCount; k++) {
      const p = pos(k);
      if (dir > 0 && p > mid) {
        ti = k;
        break;
      }
      if (dir < 0 && p < mid) ti = k;
    }
  }
  ti = Math.max(0, Math.min(cols.turnCount - 1, ti));
  jumpToTurn(cols.turnNumber[ti]!);
}
