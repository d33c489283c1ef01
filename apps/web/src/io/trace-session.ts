// Drives the store from the outside world: loading traces through the worker, watching runs over
// socket.io, the collector's run list and scenarios, focus and selection. UI components call these
// actions; they never parse or analyze themselves.
import type { RunChangedMessage } from '@causelane/trace-schema/api';
import { appStore } from '../model/app-store.ts';
import { layoutOf, scrollToRow } from '../model/lane-layout.ts';
import type { PlacedAnomaly, TimelineColumns } from '../model/timeline-columns.ts';
import { formatUrlState, parseUrlState } from '../model/url-state.ts';
import { fullWindow, positionOf, type TimeWindow, windowAround, type XMode } from '../model/viewport.ts';
import { listRuns, listScenarios, runScenario } from './api-client.ts';
import { authHeaders, initAuthToken } from './auth-token.ts';
import { LiveRunQueue } from './live-run-queue.ts';
import { LiveSocket } from './live-socket.ts';
import { TraceLoadError, TraceWorkerClient } from './worker-client.ts';
import type { LoadSource } from './worker-protocol.ts';

let workerClient: TraceWorkerClient | null = null;
export function traceWorker(): TraceWorkerClient {
  workerClient ??= new TraceWorkerClient();
  return workerClient;
}

const set = appStore.setState;
const get = appStore.getState;

function anchorView(cols: TimelineColumns, win: TimeWindow | null): void {
  const s = get();
  s.setWindow(cols.run, win ?? fullWindow(cols, s.mode));
}

/** Opens a trace file, URL or text; replaces what is open. A bad file changes nothing. */
export async function openTrace(
  source: LoadSource,
  opts: { src?: string | null; run?: string | null } = {},
): Promise<boolean> {
  const label = source.type === 'file' ? source.file.name : source.type === 'url' ? source.url : source.name;
  set({ loading: { label, bytes: 0, total: null }, loadError: null });
  try {
    const res = await traceWorker().load(source, (bytes, total) => set({ loading: { label, bytes, total } }));
    // Where the load went (read = stream + parse + validate; analyze = model, rules and columns), for
    // `pnpm bench:web` and the performance panel.
    performance.mark('causelane:loaded', { detail: res.timings });
    stopReplay();
    for (const r of get().liveRuns) unwatch(r);
    set({ liveRuns: [], compare: null, windows: {}, scrollY: {}, selectedAnomaly: null, selectedCall: null });
    get().putRuns(res.runs, true);
    const run = res.runs.find((c) => c.run === opts.run) ?? res.runs[0]!;
    set({ sourceName: res.name, src: opts.src ?? null, activeRun: run.run, loading: null });
    for (const c of res.runs) anchorView(c, null);
    return true;
  } catch (err) {
    const details = err instanceof TraceLoadError ? err.details : [];
    set({ loading: null, loadError: { message: (err as Error).message, details } });
    return false;
  }
}

export function openUrl(url: string, run: string | null = null): Promise<boolean> {
  // Only our own collector gets the token; a foreign ?src= must not.
  const sameOrigin = new URL(url, window.location.href).origin === window.location.origin;
  return openTrace({ type: 'url', url, headers: sameOrigin ? authHeaders() : {} }, { src: url, run });
}

// --- live runs -------------------------------------------------------------------------------

let socket: LiveSocket | null = null;
const liveQueue = new LiveRunQueue();
let flushTimer: ReturnType<typeof setTimeout> | null = null;

async function applyLive(run: string, events: unknown[], reset: boolean): Promise<void> {
  const prev = get().runs[run];
  // The worker answers in request order, so a reset lands after every batch sent before it.
  const cols = await traceWorker().live(run, events, reset);
  if (!cols) return;
  const s = get();
  const w = s.windows[run];
  const following = !w || !prev || sameWindow(w, fullWindow(prev, s.mode));
  s.putRuns([cols], false);
  if (following) s.setWindow(run, fullWindow(cols, s.mode));
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

function unwatch(run: string): void {
  socket?.unwatch(run);
  liveQueue.drop(run);
}

function sameWindow(a: TimeWindow, b: TimeWindow): boolean {
  return Math.abs(a.start - b.start) < 1e-6 && Math.abs(a.end - b.end) < 1e-6;
}

let runListTimer: ReturnType<typeof setTimeout> | null = null;
function onRunsChanged(_msg: RunChangedMessage): void {
  if (runListTimer) return;
  runListTimer = setTimeout(() => {
    runListTimer = null;
    void refreshRunList();
  }, 250);
}

function liveSocket(): LiveSocket {
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

/** Opens a collector run, streaming its new events live. */
export async function openCollectorRun(run: string, activate = true): Promise<boolean> {
  if (activate) set({ loading: { label: `run ${run}`, bytes: 0, total: null }, loadError: null });
  try {
    // The history is queued as a reset from inside the watch ack; apply it (and anything after) now.
    await liveSocket().watch(run);
    if (activate) {
      stopReplay();
      for (const r of get().liveRuns) if (r !== run && !isCompareRun(r)) unwatch(r);
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

function isCompareRun(run: string): boolean {
  const c = get().compare;
  return c !== null && (c.naive === run || c.causal === run);
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

/** Runs a scenario naive and causal with one seed, side by side, and watches both live. */
export async function startCompare(scenario: string): Promise<void> {
  const seed = Math.floor(Math.random() * 1_000_000);
  set({ compare: { scenario, seed, naive: null, causal: null, error: null } });
  try {
    const [naive, causal] = await Promise.all([
      runScenario(scenario, { mode: 'naive', seed }),
      runScenario(scenario, { mode: 'causal', seed }),
    ]);
    set({ compare: { scenario, seed, naive: naive.run, causal: causal.run, error: null } });
    await Promise.all([openCollectorRun(naive.run, false), openCollectorRun(causal.run, false)]);
  } catch (err) {
    set({ compare: { scenario, seed, naive: null, causal: null, error: (err as Error).message } });
  }
}

export function closeCompare(): void {
  const c = get().compare;
  set({ compare: null });
  for (const r of [c?.naive, c?.causal]) if (r && r !== get().activeRun) unwatch(r);
}

// --- selection and focus ---------------------------------------------------------------------

export function selectCall(call: string | null): void {
  set({ selectedCall: call });
}

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
    s.setWindow(a.run, windowAround(Math.min(...pos), Math.max(...pos), fullWindow(cols, s.mode)));
  }
  const lane = a.call === null ? -1 : cols.callId.indexOf(a.call);
  const layout = layoutOf(cols);
  const row = lane >= 0 ? layout.callRow[lane]! : (layout.turnRow[turnPos(cols, a.turn)] ?? 0);
  s.setScrollY(a.run, scrollToRow(layout, s.scrollY[a.run] ?? 0, s.laneViewHeight, row));
  set({ selectedAnomaly: a.id, selectedCall: a.call ?? s.selectedCall, activeRun: a.run });
}

function turnPos(cols: TimelineColumns, turn: number): number {
  return cols.turnNumber.indexOf(turn);
}

export function setMode(mode: XMode): void {
  const s = get();
  if (s.mode === mode) return;
  const windows: Record<string, TimeWindow> = {};
  for (const [run, cols] of Object.entries(s.runs)) windows[run] = fullWindow(cols, mode);
  set({ mode, windows });
}

// --- replay ----------------------------------------------------------------------------------

let rafId = 0;

export function stopReplay(): void {
  cancelAnimationFrame(rafId);
  set({ playhead: null, playing: false });
}

export function setPlayhead(at: number | null): void {
  set({ playhead: at });
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

// --- startup and the URL ---------------------------------------------------------------------

let urlTimer: ReturnType<typeof setTimeout> | null = null;

function writeUrl(): void {
  const s = get();
  const run = s.activeRun;
  const search = formatUrlState(
    {
      src: s.src,
      run,
      call: s.selectedCall,
      window: run ? (s.windows[run] ?? null) : null,
      mode: s.mode,
    },
    window.location.search,
  );
  if (search !== window.location.search)
    window.history.replaceState(null, '', `${window.location.pathname}${search}`);
}

/** Reads the token and the URL, opens what it names, and keeps the URL in step with the view. */
export async function startSession(): Promise<void> {
  initAuthToken();
  const url = parseUrlState(window.location.search);
  set({ mode: url.mode });
  void refreshRunList().then(() => {
    if (get().collector === 'online') {
      liveSocket();
      void refreshScenarios();
    }
  });
  let opened = false;
  if (url.src) opened = await openUrl(url.src, url.run);
  else if (url.run) opened = await openCollectorRun(url.run);
  if (opened && url.run && get().runs[url.run]) set({ activeRun: url.run });
  if (opened && url.window && get().activeRun) get().setWindow(get().activeRun!, url.window);
  if (opened && url.call) set({ selectedCall: url.call });
  appStore.subscribe((s, prev) => {
    if (
      s.activeRun === prev.activeRun &&
      s.selectedCall === prev.selectedCall &&
      s.windows === prev.windows &&
      s.mode === prev.mode &&
      s.src === prev.src
    )
      return;
    if (urlTimer) clearTimeout(urlTimer);
    urlTimer = setTimeout(writeUrl, 200);
  });
}
