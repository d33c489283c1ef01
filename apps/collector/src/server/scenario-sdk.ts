// Where the collector gets the SDK's teaching scenarios from. Kept apart so the server itself can be
// started without them (tests pass `scenarioSdk: null` or their own).
import { runScenario, SCENARIOS } from '@causelane/sdk';
import type { ScenarioSdk } from './scenario-host.ts';

export async function loadScenarioSdk(): Promise<ScenarioSdk> {
  return { SCENARIOS, runScenario };
}
