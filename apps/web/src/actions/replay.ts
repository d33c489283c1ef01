// Replay of the active run: a playhead (an event index) moved by step, scrub, or a
// requestAnimationFrame loop that plays in wall-clock time (scaled by speed) or ten events a second.
import { appStore } from '../model/app-store.ts';
import { positionOf } from '../model/viewport.ts';

const set = appStore.setState;
const get = appStore.getState;

let rafId = 0;

/** Leaves replay: the whole trace shows again. */
export function stopReplay(): void {
  cancelAnimationFrame(rafId);
  set({ playhead: null, playing: false });
}

export function setPlayhead(at: number | null): void {
  set({ playhead: at });
}

export function setSpeed(speed: number): void {
  set({ speed });
}

export function stepReplay(delta: number): void {
  const s = get();
  const cols = s.activeRun ? s.runs[s.activeRun] : undefined;
  if (!cols) return;
  const at = s.playhead ?? (delta > 0 ? -1 : cols.eventCount);
  set({ playhead: Math.max(0, Math.min(cols.eventCount - 1, at + delta)), playing: false });
}

/** Plays from the playhead in wall-clock time (scaled by speed) or ten events a second in seq mode. */
export function playReplay(): void {
  const s0 = get();
  const cols = s0.activeRun ? s0.runs[s0.activeRun] : undefined;
  if (!cols || cols.eventCount === 0) return;
  let at = s0.playhead === null || s0.playhead >= cols.eventCount - 1 ? 0 : s0.playhead;
  set({ playing: true, playhead: at });
  let cursor = s0.mode === 'time' ? cols.t[at]! : at;
  let last = performance.now();
  const tick = (now: number) => {
    const s = get();
    if (!s.playing) return;
    const dt = now - last;
    last = now;
    cursor += s.mode === 'time' ? dt * s.speed : (dt / 100) * s.speed;
    while (at + 1 < cols.eventCount && positionOf(cols, s.mode, at + 1) <= cursor) at++;
    set({ playhead: at });
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
  set({ playing: false });
}
