// Collector runs watched live over socket.io: batches coalesced and analyzed in the worker at most
// ten times a second per run, "follow live" (new runs open on their own, the view pinned to the
// newest events) and whether the collector is reachable. The run list itself is run-list.ts.
import type { RunChangedMessage } from '@causelane/trace-schema/protocol';
import { getRun } from '../io/collector-api.ts';
import { LiveRunQueue } from '../io/live-run-queue.ts';
import { LiveSocket } from '../io/live-socket.ts';
import { traceWorker } from '../io/trace-worker-client.ts';
import { appStore } from '../model/app-store.ts';
import { fullWindow, type TimeWindow } from '../model/viewport.ts';
import { putRuns } from './put-runs.ts';
import { pauseReplay, stopReplay } from './replay.ts';
import { refreshExamples, refreshRunList, refreshScenarios } from './run-list.ts';
import { refreshSearch } from './search.ts';
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
  const pinned = s.followLive && s.activeRun === run;
  const following = pinned || !w || !prev || sameWindow(w, fullWindow(prev, s.mode));
  putRuns([cols], false);
  if (following) setWindow(run, fullWindow(cols, s.mode));
  refreshSearch(run);
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
  set((s) => ({ liveRuns: s.liveRuns.filter((r) => r !== run) }));
}

let runListTimer: ReturnType<typeof setTimeout> | null = null;
function onRunsChanged(msg: RunChangedMessage): void {
  const s = get();
  // Follow live: a run that starts while asked opens on its own (not over a comparison).
  if (s.followLive && msg.change === 'created' && s.compare === null && msg.run !== s.activeRun)
    void openCollectorRun(msg.run);
  if (runListTimer) return;
  runListTimer = setTimeout(() => {
    runListTimer = null;
    void refreshRunList();
  }, 250);
}

function noteLive(run: string): void {
  // A run is "live" while batches keep coming; the store is written at most once a second per run.
  const now = Date.now();
  if (now - (get().liveSeenAt[run] ?? 0) > 1000)
    set((s) => ({ liveSeenAt: { ...s.liveSeenAt, [run]: now } }));
}

/** Whether the live socket exists (it then reconnects, and refreshes the lists, by itself). */
export function socketStarted(): boolean {
  return socket !== null;
}

/** The socket to the collector's '/ui' namespace, connected on first use. */
export function connectLive(): LiveSocket {
  socket ??= new LiveSocket({
    onRunEvents: (run, events) => {
      liveQueue.append(run, events);
      noteLive(run);
      scheduleFlush();
    },
    onRunReset: (run, events) => {
      liveQueue.reset(run, events);
      scheduleFlush();
    },
    onRunsChanged,
    onConnection: (connected) => {
      set({ collector: connected ? 'online' : 'offline' });
      // Changes made while (re)connecting were broadcast to no one: fetch the lists afresh.
      if (connected) {
        void refreshRunList();
        if (get().scenarios.length === 0) void refreshScenarios();
        if (get().examples.length === 0) void refreshExamples();
      }
    },
  });
  return socket;
}

/**
 * Opens a collector run, streaming its new events live. With `activate` it becomes the run on
 * screen in the full view (leaving a comparison: Back returns to it).
 */
export async function openCollectorRun(run: string, activate = true): Promise<boolean> {
  if (activate) set({ loading: { label: `run ${run}`, bytes: 0, total: null }, loadError: null });
  try {
    // The history is queued as a reset from inside the watch ack; apply it (and anything after) now.
    await connectLive().watch(run);
    await flushLive();
    const cols = get().runs[run];
    if (!cols || (cols.eventCount === 0 && (await getRun(run)) === null)) {
      unwatchRun(run);
      throw new Error(`Run ${JSON.stringify(run)} is not on this collector: it may have been deleted.`);
    }
    if (activate) {
      stopReplay();
      for (const r of get().liveRuns) if (r !== run) unwatchRun(r);
    }
    set((s) => ({ liveRuns: s.liveRuns.includes(run) ? s.liveRuns : [...s.liveRuns, run] }));
    if (activate)
      set({
        activeRun: run,
        compare: null,
        src: null,
        localFile: null,
        missingFile: null,
        sourceName: `collector run ${run}`,
        selectedCall: null,
        selectedTurn: null,
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

/** Follow live: new runs open on their own, and the open run's view stays on its newest events. */
export function setFollowLive(on: boolean): void {
  set({ followLive: on });
  const s = get();
  const cols = s.activeRun ? s.runs[s.activeRun] : undefined;
  if (on && s.activeRun && cols) setWindow(s.activeRun, fullWindow(cols, s.mode));
}
