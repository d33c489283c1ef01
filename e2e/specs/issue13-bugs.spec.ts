// The four bugs of issue 13, each as a user meets it: a reloaded local file, "open in the full
// view" from a comparison, the replay state after a naive timeout, and "all clean" / "live" claims.
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';
import { RunListPanel } from '../pages/run-list-panel.ts';

const STALE = resolve(import.meta.dirname, '../../../shared/examples/stale-read.jsonl');
const base = () => process.env.CAUSELANE_URL!;

/** Starts a scenario run on the collector and waits until it has ended; returns its id and events. */
async function scenarioRun(
  request: import('@playwright/test').APIRequestContext,
  name: string,
  mode: string,
) {
  const res = await request.post(`${base()}/api/scenarios/${name}/run`, { data: { mode, seed: 7 } });
  expect(res.status()).toBe(202);
  const { run } = (await res.json()) as { run: string };
  await expect
    .poll(
      async () =>
        ((await (await request.get(`${base()}/api/runs/${run}`)).json()) as { status: string | null }).status,
      {
        timeout: 60_000,
      },
    )
    .toMatch(/^(ok|error|cancelled)$/);
  const text = await (await request.get(`${base()}/api/runs/${run}/events`)).text();
  return {
    run,
    events: text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test('bug 1: a reloaded page of a local file says the file is gone, keeps the link, and reopens it', async ({
  page,
}) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.openFile(STALE);
  await app.anomalyItems.first().click();
  const before = await app.urlWindow();
  await expect.poll(() => app.query().get('file')).toBe('stale-read.jsonl');

  await page.reload();
  await expect(page.getByTestId('missing-file')).toContainText('stale-read.jsonl is gone');
  // No fake collector run: no timeline, no anomaly claim, no 1970 date, and the link is untouched.
  await expect(app.canvas).toHaveCount(0);
  await expect(app.anomalyPanel).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText('1970');
  await page.waitForTimeout(400);
  expect(await app.urlWindow()).toEqual(before);

  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('reopen-file').click();
  await (await chooser).setFiles(STALE);
  await app.waitReady();
  await expect(page.getByTestId('inspector-call-id')).toHaveText('call_check');
  expect(await app.urlWindow()).toEqual(before);
});

test('bug 2: "Open naive run in the full view" leaves the comparison, and Back returns to it', async ({
  page,
}) => {
  const app = new DebuggerPage(page);
  await app.goto();
  await app.runScenario('hung-tool');
  const naive = page.getByTestId('compare-naive');
  await expect(naive).toHaveAttribute('data-status', /ok|error|cancelled/, { timeout: 60_000 });
  const run = (await naive.getAttribute('data-run'))!;
  await page.getByTestId('open-naive').click();
  await expect(page.getByTestId('compare')).toHaveCount(0);
  await app.waitReady();
  await expect.poll(() => app.query().get('run')).toBe(run);
  await page.goBack();
  await expect(page.getByTestId('compare-naive')).toHaveAttribute('data-run', run);
});

test('bug 3: after a naive timeout the replay state lists the call the timeline draws as running', async ({
  page,
  request,
}) => {
  const { run, events } = await scenarioRun(request, 'hung-tool', 'naive');
  const listed = events.find((e) => e.type === 'llm.response') as { calls: { id: string; name: string }[] };
  const tests = listed.calls.find((c) => c.name === 'run_tests')!.id;
  const timeout = events.find((e) => e.type === 'tool.timeout' && e.call === tests)!;
  const end = events.find((e) => e.type === 'tool.end' && e.call === tests)!;
  expect(end.seq as number).toBeGreaterThan(timeout.seq as number);

  const app = new DebuggerPage(page);
  await app.goto(`?run=${encodeURIComponent(run)}&x=seq`);
  await app.waitReady();
  const index = events.indexOf(timeout);
  await app.scrubTo(index);
  await expect(page.getByTestId('replay-label')).toContainText(`seq ${timeout.seq}`);
  await expect(page.getByTestId('replay-inflight')).toContainText('run_tests');
  await expect(page.getByTestId('replay-inflight')).toContainText('timed out, still running');
  // It stays in flight until its result, as the bar does.
  await app.scrubTo(events.indexOf(end) - 1);
  await expect(page.getByTestId('replay-inflight')).toContainText('run_tests');
});

test('bug 4: no "all clean" claim and no "live" badge for a run that has not ended or was uploaded', async ({
  page,
  request,
}) => {
  const ev = (run: string, seq: number, body: Record<string, unknown>) =>
    JSON.stringify({ v: 1, run, seq, t: 1_760_000_000_000 + seq * 10, ...body });
  const open = `unfinished-${Date.now()}`;
  const done = `finished-${Date.now()}`;
  const post = (lines: string[]) =>
    request.post(`${base()}/api/runs`, {
      data: `${lines.join('\n')}\n`,
      headers: { 'content-type': 'application/x-ndjson' },
    });
  expect(
    (
      await post([ev(open, 0, { type: 'run.start' }), ev(open, 1, { type: 'llm.request', turn: 1 })])
    ).status(),
  ).toBe(201);
  expect(
    (
      await post([
        ev(done, 0, { type: 'run.start' }),
        ev(done, 1, { type: 'llm.request', turn: 1 }),
        ev(done, 2, { type: 'llm.response', turn: 1, calls: [] }),
        ev(done, 3, { type: 'run.end', status: 'ok' }),
      ])
    ).status(),
  ).toBe(201);
  const app = new DebuggerPage(page);
  const runs = new RunListPanel(page);
  await app.goto();
  await runs.open(open);
  await app.waitReady();
  await expect(page.getByTestId('no-anomalies')).toHaveAttribute('data-phase', 'open');
  await expect(page.getByTestId('no-anomalies')).not.toContainText('ran correctly');
  await expect(page.getByTestId('live-badge')).toHaveCount(0);
  await expect(page.getByTestId('open-badge')).toBeVisible();

  await runs.open(done);
  await expect(page.getByTestId('no-anomalies')).toContainText('ran correctly');
  await expect(page.getByTestId('live-badge')).toHaveCount(0);
  await expect(page.getByTestId('open-badge')).toHaveCount(0);
});
