// Causal executor mode against the real collector: a scenario run naive and causal side by side,
// streamed live; anomalies above info appear only in the naive run.
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

test('a scenario run live in both modes', async ({ page, request }) => {
  const base = process.env.CAUSELANE_URL!;
  const { scenarios } = (await (await request.get(`${base}/api/scenarios`)).json()) as {
    scenarios: { name: string }[];
  };
  expect(scenarios.length).toBeGreaterThan(0);
  const app = new DebuggerPage(page);
  await app.goto();
  await app.runScenario(scenarios[0]!.name);

  const naive = page.getByTestId('compare-naive');
  const causal = page.getByTestId('compare-causal');
  await expect(naive).toHaveAttribute('data-status', /ok|error|cancelled/, { timeout: 60_000 });
  await expect(causal).toHaveAttribute('data-status', /ok|error|cancelled/, { timeout: 60_000 });
  const naiveCounts = page.getByTestId('compare-naive-counts');
  const causalCounts = page.getByTestId('compare-causal-counts');
  const serious = async (l: typeof naiveCounts) =>
    Number(await l.getAttribute('data-errors')) + Number(await l.getAttribute('data-warnings'));
  await expect.poll(() => serious(naiveCounts)).toBeGreaterThan(0);
  expect(await serious(causalCounts)).toBe(0);
  await app.screenshot('scenario-side-by-side');

  // Both runs reached the live run list.
  const naiveRun = await naive.getAttribute('data-run');
  await expect(page.locator(`[data-run="${naiveRun}"]`).first()).toBeVisible();
});

test('a run streamed to the collector appears live in the run list and timeline', async ({
  page,
  request,
}) => {
  const base = process.env.CAUSELANE_URL!;
  const app = new DebuggerPage(page);
  await app.goto();
  const run = `live-${Date.now()}`;
  const ev = (seq: number, body: Record<string, unknown>) =>
    JSON.stringify({ v: 1, run, seq, t: 1_760_000_000_000 + seq * 10, ...body });
  const up = (lines: string[]) =>
    request.post(`${base}/api/runs`, {
      data: `${lines.join('\n')}\n`,
      headers: { 'content-type': 'application/x-ndjson' },
    });
  expect(
    (
      await up([ev(0, { type: 'run.start', agent: 'live-agent' }), ev(1, { type: 'llm.request', turn: 1 })])
    ).status(),
  ).toBe(201);
  await page.locator(`button[data-run="${run}"]`).click();
  await app.waitReady();
  // An uploaded run without run.end is open, not yet live: nothing has streamed since it opened.
  await expect(page.getByTestId('open-badge')).toBeVisible();
  // More events of the same run arrive after it is open: the premature request shows up live.
  await up([
    ev(2, { type: 'llm.response', turn: 1, calls: [{ id: 'a', name: 'slow_tool' }] }),
    ev(3, { type: 'tool.start', turn: 1, call: 'a' }),
    ev(4, { type: 'llm.request', turn: 2 }),
  ]);
  await expect(app.anomalyItems.filter({ hasText: 'premature-llm-call' })).toHaveCount(1);
  await expect(page.getByTestId('live-badge')).toBeVisible();
});
