// Replay of the active run: a playhead (an event index) moved by step, scrub, anomaly jumps, or a
// requestAnimationFrame loop that plays the trace's wall clock at a multiple of real time (by
// default the multiple that plays the whole trace in about ten seconds). The view follows it.
import { filterAnomalies } from '../model/anomaly-filter.ts';
import { appStore } from '../model/app-store.ts';
import type { TimelineColumns } from '../model/timeline-columns.ts';
import { clampWindow, fullWindow, positionOf } from '../model/viewport.ts';
import { setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

/** How long the default speed takes to play a whole trace. */
export const AUTO_PLAY_MS = 10_000;

let rafId = 0;

function activeCols(): TimelineColumns | undefined {
  const s = get();
  return s.activeRun ? s.runs[s.activeRun] : undefined;
}

/** The trace's span in ms of wall clock (0 when every event has the same time). */
export function traceDuration(cols: Pick<TimelineColumns, 't' | 'eventCount'>): number {
  return cols.eventCount > 1 ? cols.t[cols.eventCount - 1]! - cols.t[0]! : 0;
}

/** The speed, as a multiple of real time, that plays the whole trace in about ten seconds. */
export function autoSpeed(cols: Pick<TimelineColumns, 't' | 'eventCount'>): number {
  return traceDuration(cols) / AUTO_PLAY_MS;
}

/** Leaves replay: the whole trace shows again. */
export function stopReplay(): void {
  cancelAnimationFrame(rafId);
  set({ playhead: null, playing: false });
}

/** Keeps the playhead inside the visible window, panning (never zooming) when it leaves. */
function follow(at: number): void {
  const s = get();
  const run = s.activeRun;
  const cols = run ? s.runs[run] : undefined;
  if (!run || !cols) return;
  const full = fullWindow(cols, s.mode);
  const w = s.windows[run] ?? full;
  const pos = positionOf(cols, s.mode, at);
  const span = w.end - w.start;
  if (pos >= w.start + span * 0.02 && pos <= w.end - span * 0.05) return;
  setWindow(run, clampWindow({ start: pos - span * 0.3, end: pos + span * 0.7 }, full));
}

export function setPlayhead(at: number | null): void {
  set({ playhead: at });
  if (at !== null) follow(at);
}

/** null: the whole trace in about ten seconds; else a multiple of real time. */
export function setSpeed(speed: number | null): void {
  set({ speed });
}

export function stepReplay(delta: number): void {
  const cols = activeCols();
  if (!cols || cols.eventCount === 0) return;
  pauseReplay();
  const p = get().playhead;
  const at = p ?? (delta > 0 ? -1 : cols.eventCount);
  setPlayhead(Math.max(0, Math.min(cols.eventCount - 1, at + delta)));
}

/** Moves the playhead to where the next (or previous) anomaly shown becomes known, and selects it. */
export function jumpToAnomaly(direction: 1 | -1): void {
  const s = get();
  const cols = activeCols();
  if (!cols) return;
  const list = filterAnomalies(cols.anomalies, s.filter).filter((a) => a.knownAt >= 0);
  const at = s.playhead ?? (direction > 0 ? -1 : cols.eventCount);
  let best: (typeof list)[number] | null = null;
  for (const a of list) {
    const ok = direction > 0 ? a.knownAt > at : a.knownAt < at;
    if (!ok) continue;
    if (!best || (direction > 0 ? a.knownAt < best.knownAt : a.knownAt > best.knownAt)) best = a;
  }
  if (!best) return;
  pauseReplay();
  setPlayhead(best.knownAt);
  set({ selectedAnomaly: best.id });
}

/** Plays from the playhead at the chosen speed (the whole trace in ~10 s by default). */
export function playReplay(): void {
  const cols = activeCols();
  if (!cols || cols.eventCount === 0) return;
  const s0 = get();
  let at = s0.playhead === null || s0.playhead >= cols.eventCount - 1 ? 0 : s0.playhead;
  cancelAnimationFrame(rafId);
  set({ playing: true });
  setPlayhead(at);
  const byTime = traceDuration(cols) > 0;
  // Trace ms (or events, when the trace has no duration) reached so far.
  let cursor = byTime ? cols.t[at]! : at;
  let last = performance.now();
  const tick = (now: number) => {
    const s = get();
    if (!s.playing || activeCols() !== cols) return;
    const dt = now - last;
    last = now;
    const speed = s.speed ?? autoSpeed(cols);
    cursor += byTime ? dt * speed : (dt / AUTO_PLAY_MS) * cols.eventCount;
    let next = at;
    while (next + 1 < cols.eventCount && (byTime ? cols.t[next + 1]! : next + 1) <= cursor) next++;
    if (next !== at) {
      at = next;
      setPlayhead(at);
    }
    if (at >= cols.eventCount - 1) {
      set({ playing: false });
      return;
    }
    rafId = requestAnimationFrame(tick);
  };
  rafId = requestAnimationFrame(tick);
}

export function pauseReplay(): void {
  cancelAnimationFrame(rafId);
  if (get().playing) set({ playing: false });
}

export function togglePlay(): void {
  if (get().playing) pauseReplay();
  else playReplay();
}
