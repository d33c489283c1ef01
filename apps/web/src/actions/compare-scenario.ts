// Causal executor mode: runs a teaching scenario naive and causal with one seed on the collector and
// watches both runs live, side by side. A comparison is a place of its own: its link (scenario,
// seed and both runs) reopens it, and it stays on screen until the user leaves it.
import { CollectorUnreachable, runScenario } from '../io/collector-api.ts';
import { appStore } from '../model/app-store.ts';
import type { CompareLink } from '../model/url-state.ts';
import { openCollectorRun, unwatchRun } from './live-runs.ts';
import { stopReplay } from './replay.ts';
import { setWindow } from './view.ts';

const set = appStore.setState;
const get = appStore.getState;

function leaveRunView(): void {
  stopReplay();
  // The run on screen stops streaming; the comparison's runs are watched next.
  for (const r of get().liveRuns) unwatchRun(r);
  set({ activeRun: null, selectedCall: null, selectedTurn: null, selectedAnomaly: null, loadError: null });
}

/** Runs a scenario naive and causal with one seed, side by side, and watches both live. */
export async function startCompare(
  scenario: string,
  seed = Math.floor(Math.random() * 1_000_000),
): Promise<void> {
  leaveRunView();
  set({ compare: { scenario, seed, naive: null, causal: null, error: null } });
  if (get().collector === 'offline') {
    const err = new CollectorUnreachable(`running scenario ${scenario}`);
    set({ compare: { scenario, seed, naive: null, causal: null, error: err.message } });
    return;
  }
  try {
    const [naive, causal] = await Promise.all([
      runScenario(scenario, { mode: 'naive', seed }),
      runScenario(scenario, { mode: 'causal', seed }),
    ]);
    if (get().compare?.seed !== seed) return;
    set({ compare: { scenario, seed, naive: naive.run, causal: causal.run, error: null } });
    await Promise.all([openCollectorRun(naive.run, false), openCollectorRun(causal.run, false)]);
  } catch (err) {
    if (get().compare?.seed === seed)
      set({ compare: { scenario, seed, naive: null, causal: null, error: (err as Error).message } });
  }
}

/** Reopens a comparison from its link: the runs it names are watched again, nothing is re-run. */
export async function openCompareLink(link: CompareLink): Promise<void> {
  if (!link.naive || !link.causal) return startCompare(link.scenario, link.seed);
  const c = get().compare;
  if (c && c.naive === link.naive && c.causal === link.causal && get().activeRun === null) return;
  leaveRunView();
  set({ compare: { ...link, error: null } });
  const ok = await Promise.all([openCollectorRun(link.naive, false), openCollectorRun(link.causal, false)]);
  if (!ok.every(Boolean) && get().compare?.naive === link.naive) {
    set((s) => ({
      compare: s.compare && { ...s.compare, error: s.loadError?.message ?? 'the runs could not be opened' },
      loadError: null,
    }));
  }
}

/** Leaves the side-by-side view; runs not on screen stop streaming. */
export function closeCompare(): void {
  const c = get().compare;
  set({ compare: null });
  for (const r of [c?.naive, c?.causal]) if (r && r !== get().activeRun) unwatchRun(r);
}

/** Draws both sides on one time scale: each window starts at its run's start and spans the longer run. */
export function alignCompareWindows(): void {
  const s = get();
  const c = s.compare;
  const sides = [c?.naive, c?.causal].flatMap((r) =>
    r && s.runs[r] && s.runs[r]!.eventCount > 0 ? [s.runs[r]!] : [],
  );
  if (sides.length === 0) return;
  const base = (cols: (typeof sides)[number]) => (s.mode === 'time' ? cols.t[0]! : 0);
  const span = Math.max(
    ...sides.map((cols) =>
      s.mode === 'time' ? cols.t[cols.eventCount - 1]! - cols.t[0]! : cols.eventCount - 1,
    ),
    s.mode === 'time' ? 1 : 1,
  );
  const pad = span * 0.02 + (s.mode === 'seq' ? 0.5 : 0);
  for (const cols of sides) setWindow(cols.run, { start: base(cols) - pad, end: base(cols) + span + pad });
}
