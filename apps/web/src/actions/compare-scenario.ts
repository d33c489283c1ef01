// Causal executor mode: runs a teaching scenario naive and causal with one seed on the collector and
// watches both runs live, side by side.
import { runScenario } from '../io/collector-api.ts';
import { appStore } from '../model/app-store.ts';
import { openCollectorRun, unwatchRun } from './live-runs.ts';

const set = appStore.setState;
const get = appStore.getState;

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

/** Leaves the side-by-side view; runs not on screen stop streaming. */
export function closeCompare(): void {
  const c = get().compare;
  set({ compare: null });
  for (const r of [c?.naive, c?.causal]) if (r && r !== get().activeRun) unwatchRun(r);
}
