// Collector runs: the run list and scenarios over HTTP, and runs watched live over socket.io, whose
// batches are coalesced and analyzed in the worker at most ten times a second per run.
import type { RunChangedMessage } from '@causelane/trace-schema/protocol';
import { listRuns, listScenarios } from '../io/collector-api.ts';
import { LiveRunQueue } from '../io/live-run-queue.ts';
import { LiveSocket } from '../io/live-socket.ts';
import { traceWorker } from '../io/trace-worker-client.ts';
import { appStore } from '../model/app-store.ts';
import { fullWindow, type TimeWindow } from '../model/viewport.ts';
import { putRuns } from './put-runs.ts';
import { pauseReplay, stopReplay } from './replay.ts';
import { setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

let socket: LiveSocket | null = null;
const liveQueue = new LiveRunQueue();
let flushTimer: ReturnType<typeof setTimeout> | null = null;

function sameWindow(a: TimeWindow, b: TimeWindow): boolean {
  return Math.abs(a.start - b.start) < 1e-6 && Math.abs(a.end - b.end) < 1e-6;
}

async function applyLive(run: string, events: unknown[], reset: boolean): Promise<void> {
  const prev = get().runs[run];
  // The worker answers in request order, so a reset lands after every batch sent before it.
  const cols = await traceWorker().live(run, events, reset);
  if (!cols) return;
  const s = get();
  const w = s.windows[run];
  const following = !w || !prev || sameWindow(w, fullWindow(prev, s.mode));
  putRuns([cols], false);
  if (following) setWindow(run, fullWindow(cols, s.mode));
  // A re-derived run can be shorter than the one being replayed.
  if (reset && s.activeRun === run && s.playhead !== null && s.playhead >= cols.eventCount) {
    pauseReplay();
    set({ playhead: cols.eventCount > 0 ? cols.eventCount - 1 : null });
  }
}

/** Sends every queued live update to the worker now; resolves once the store has them all. */
function flushLive(): Promise<void> {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  return Promise.all(liveQueue.drain().map((u) => applyLive(u.run, u.events, u.reset))).then(() => undefined);
}

function scheduleFlush(): void {
  // Batches arrive at agent speed; analysis runs at most ten times a second per run.
  flushTimer ??= setTimeout(() => void flushLive(), 100);
}

/** Stops streaming a run and forgets its queued batches; what the store holds of it stays. */
export function unwatchRun(run: string): void {
  socket?.unwatch(run);
  liveQueue.drop(run);
}

let runListTimer: ReturnType<typeof setTimeout> | null = null;
function onRunsChanged(_msg: RunChangedMessage): void {
  if (runListTimer) return;
  runListTimer = setTimeout(() => {
    runListTimer = null;
    void refreshRunList();
  }, 250);
}

/** The socket to the collector's '/ui' namespace, connected on first use. */
export function connectLive(): LiveSocket {
  socket ??= new LiveSocket({
    onRunEvents: (run, events) => {
      liveQueue.append(run, events);
      scheduleFlush();
    },
    onRunReset: (run, events) => {
      liveQueue.reset(run, events);
      scheduleFlush();
    },
    onRunsChanged,
    onConnection: (connected) => {
      // Changes made while (re)connecting were broadcast to no one: fetch the list afresh.
      if (connected) void refreshRunList();
    },
  });
  return socket;
}

function isCompareRun(run: string): boolean {
  const c = get().compare;
  return c !== null && (c.naive === run || c.causal === run);
}

/** Opens a collector run, streaming its new events live; `activate` makes it the run on screen. */
export async function openCollectorRun(run: string, activate = true): Promise<boolean> {
  if (activate) set({ loading: { label: `run ${run}`, bytes: 0, total: null }, loadError: null });
  try {
    // The history is queued as a reset from inside the watch ack; apply it (and anything after) now.
    await connectLive().watch(run);
    if (activate) {
      stopReplay();
      for (const r of get().liveRuns) if (r !== run && !isCompareRun(r)) unwatchRun(r);
    }
    await flushLive();
    if (!get().runs[run]) throw new Error(`run ${run} could not be opened`);
    set((s) => ({ liveRuns: s.liveRuns.includes(run) ? s.liveRuns : [...s.liveRuns, run] }));
    if (activate)
      set({
        activeRun: run,
        src: null,
        sourceName: `collector run ${run}`,
        selectedCall: null,
        selectedAnomaly: null,
      });
    return true;
  } catch (err) {
    set({ loadError: { message: (err as Error).message, details: [] } });
    return false;
  } finally {
    if (activate) set({ loading: null });
  }
}

export async function refreshRunList(): Promise<void> {
  try {
    const runs = await listRuns();
    set({ runList: runs, collector: 'online' });
  } catch {
    set({ collector: 'offline' });
  }
}

export async function refreshScenarios(): Promise<void> {
  try {
    set({ scenarios: await listScenarios() });
  } catch {
    // The run list call reports whether the collector is reachable.
  }
}
