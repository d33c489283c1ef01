// The collector's run list (issue 13): start, duration, status, agent and counts by severity per
// run; search, delete with confirmation, upload, and paging; and counts in a multi-run file's picker.
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';
import { RunListPanel } from '../pages/run-list-panel.ts';

const base = () => process.env.CAUSELANE_URL!;

function runLines(run: string, agent: string, opts: { premature?: boolean } = {}): string[] {
  const ev = (seq: number, body: Record<string, unknown>) =>
    JSON.stringify({ v: 1, run, seq, t: 1_760_000_000_000 + seq * 25, ...body });
  const lines = [
    ev(0, { type: 'run.start', agent }),
    ev(1, { type: 'llm.request', turn: 1 }),
    ev(2, { type: 'llm.response', turn: 1, calls: [{ id: 'a', name: 'slow_tool' }] }),
    ev(3, { type: 'tool.start', turn: 1, call: 'a' }),
  ];
  if (opts.premature)
    lines.push(
      ev(4, { type: 'llm.request', turn: 2 }),
      ev(5, { type: 'tool.end', turn: 1, call: 'a', ok: true }),
    );
  else
    lines.push(
      ev(4, { type: 'tool.end', turn: 1, call: 'a', ok: true }),
      ev(5, { type: 'tool.commit', turn: 1, call: 'a' }),
    );
  lines.push(ev(6, { type: 'run.end', status: 'ok' }));
  return lines;
}

async function post(request: import('@playwright/test').APIRequestContext, lines: string[]) {
  const res = await request.post(`${base()}/api/runs`, {
    data: `${lines.join('\n')}\n`,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status()).toBe(201);
}

test('each run shows start, duration, status, agent and anomaly counts by severity', async ({
  page,
  request,
}) => {
  const run = `listed-${Date.now()}`;
  await post(request, runLines(run, 'list-agent', { premature: true }));
  const app = new DebuggerPage(page);
  const runs = new RunListPanel(page);
  await app.goto();
  await expect(runs.field(run, 'agent')).toHaveText('list-agent');
  await expect(runs.field(run, 'status')).toHaveText('ok');
  await expect(runs.field(run, 'start')).toHaveText('2025-10-09 08:53:20');
  await expect(runs.field(run, 'duration')).toHaveText('150 ms');
  await expect(runs.severityCount(run, 'error')).not.toHaveText('0');
  await expect(runs.severityCount(run, 'info')).toHaveText(/^\d+$/);
});

test('search, delete with confirmation, and upload', async ({ page, request }) => {
  const stamp = Date.now();
  const keep = `searchable-keep-${stamp}`;
  const gone = `searchable-gone-${stamp}`;
  await post(request, runLines(keep, 'finder'));
  await post(request, runLines(gone, 'finder'));
  const app = new DebuggerPage(page);
  const runs = new RunListPanel(page);
  await app.goto();
  await runs.search(`searchable-keep-${stamp}`);
  await expect(runs.items()).toHaveCount(1);
  await runs.expectListed(keep);
  await runs.search(`${stamp}`);
  await expect(runs.items()).toHaveCount(2);

  await runs.delete(gone, false);
  await runs.expectListed(gone);
  await runs.delete(gone, true);
  await expect(runs.items()).toHaveCount(1);
  expect((await request.get(`${base()}/api/runs/${gone}`)).status()).toBe(404);

  const uploaded = `uploaded-${stamp}`;
  await runs.search('');
  await runs.upload('mine.jsonl', `${runLines(uploaded, 'uploader').join('\n')}\n`);
  await expect(page.getByTestId('notice')).toContainText(`Uploaded mine.jsonl: run ${uploaded}`);
  await runs.expectListed(uploaded);
  await expect(page.locator('.source')).toHaveText(`collector run ${uploaded}`);
});

test('the list pages instead of loading every run at once', async ({ page, request }) => {
  const stamp = Date.now();
  const lines: string[] = [];
  for (let i = 0; i < 60; i++)
    lines.push(...runLines(`paged-${stamp}-${String(i).padStart(2, '0')}`, 'pager'));
  await post(request, lines);
  const app = new DebuggerPage(page);
  const runs = new RunListPanel(page);
  const first = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/runs');
  await app.goto();
  expect(new URL((await first).url()).searchParams.get('limit')).toBe('50');
  await expect(runs.items()).toHaveCount(50);
  await runs.loadMore();
  await expect.poll(() => runs.items().count()).toBeGreaterThanOrEqual(60);
});

test("a multi-run file's run picker shows each run's counts", async ({ page }) => {
  const app = new DebuggerPage(page);
  await app.goto();
  const text = [...runLines('first-run', 'x', { premature: true }), ...runLines('second-run', 'y')].join(
    '\n',
  );
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-file').first().click();
  await (await chooser).setFiles({
    name: 'two.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(text),
  });
  await app.waitReady();
  const options = await page.getByTestId('run-select').locator('option').allTextContents();
  expect(options[0]).toMatch(/^first-run · [1-9]\d* errors?, \d+ warnings?, \d+ info$/);
  expect(options[1]).toBe('second-run · 0 errors, 0 warnings, 0 info');
});
