// `POST /api/scenarios/:name/run` with the real SDK: the answer carries the run id at once and a
// browser watching that run over socket.io sees it arrive, through to run.end.
import type { ApiError, ScenarioListItem, ScenarioRunResponse, TraceEvent } from '@causelane/trace-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../testing/test-collector.ts';
import { loadScenarioSdk } from './scenario-sdk.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector({ scenarioSdk: await loadScenarioSdk() });
});
afterAll(async () => {
  await c.scenarios.idle();
  await c.dispose();
});

const post = (name: string, body: unknown) =>
  fetch(`${c.url}/api/scenarios/${name}/run`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

describe('scenarios', () => {
  it('lists the SDK scenarios', async () => {
    const { scenarios } = (await (await fetch(`${c.url}/api/scenarios`)).json()) as {
      scenarios: ScenarioListItem[];
    };
    expect(scenarios.length).toBeGreaterThan(0);
    expect(scenarios[0]).toEqual({
      name: expect.any(String),
      title: expect.any(String),
      expects: expect.any(Array),
      explanation: expect.any(String),
      mirrors: expect.any(String),
    });
  });

  it('starts a scenario live and a watching browser receives the whole run', async () => {
    const { scenarios } = (await (await fetch(`${c.url}/api/scenarios`)).json()) as {
      scenarios: ScenarioListItem[];
    };
    const browser = await c.uiClient();
    const live: TraceEvent[] = [];
    browser.on('run:events', (m) => live.push(...m.events));
    const res = await post(scenarios[0]!.name, { mode: 'causal', seed: 3 });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as ScenarioRunResponse;
    const history = await browser.timeout(5000).emitWithAck('run:watch', { run });
    const events = () => [...(history.ok ? history.events : []), ...live.filter((e) => e.run === run)];
    await expect.poll(() => events().some((e) => e.type === 'run.end'), { timeout: 20_000 }).toBe(true);
    const seqs = events().map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
    expect(await c.store.getRun(run)).toMatchObject({
      mode: 'causal',
      events: seqs.length,
      anomalies: { error: 0, warning: 0 },
    });
  }, 30_000);

  it('answers unknown scenarios and bad requests with clear errors', async () => {
    const unknown = await post('no-such-scenario', { mode: 'naive' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ApiError).error).toMatch(/no scenario "no-such-scenario"; known: /);
    const { scenarios } = (await (await fetch(`${c.url}/api/scenarios`)).json()) as {
      scenarios: ScenarioListItem[];
    };
    const badMode = await post(scenarios[0]!.name, { mode: 'fast' });
    expect(badMode.status).toBe(400);
    expect(((await badMode.json()) as ApiError).error).toBe('field mode: must be "naive" or "causal"');
    const badSeed = await post(scenarios[0]!.name, { mode: 'naive', seed: -2 });
    expect(((await badSeed.json()) as ApiError).error).toBe('field seed: must be an integer >= 0');
  });
});
