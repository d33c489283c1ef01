// OTLP traces sent to the collector and opened in the web app: a trace without tool spans shows
// what it cannot prove (as text, never markup), and a correct agent shows nothing above info.
import { writeFileSync } from 'node:fs';
import { correctAgentScript, recordAgentOtlp } from '@causelane/importers/testing';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';
import { RunListPanel } from '../pages/run-list-panel.ts';
import { TraceEvidenceNotes } from '../pages/trace-evidence-notes.ts';

interface OtlpRequest {
  resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
}

function withoutToolSpans(req: OtlpRequest): OtlpRequest {
  for (const rs of req.resourceSpans)
    for (const ss of rs.scopeSpans) ss.spans = ss.spans.filter((s) => !s.name.startsWith('execute_tool'));
  return req;
}

test('an OTLP trace without tool spans says so, and a correct agent shows nothing above info', async ({
  page,
  request,
}) => {
  const base = process.env.CAUSELANE_URL!;
  const stamp = Date.now();
  const bare = `otlp-no-tools-${stamp}`;
  const full = `otlp-correct-${stamp}`;
  for (const body of [
    withoutToolSpans(recordAgentOtlp(correctAgentScript(bare)) as OtlpRequest),
    recordAgentOtlp(correctAgentScript(full)),
  ]) {
    const res = await request.post(`${base}/v1/traces`, { data: body });
    expect(res.status()).toBe(200);
  }
  const app = new DebuggerPage(page);
  const list = new RunListPanel(page);
  const notes = new TraceEvidenceNotes(page);
  await app.goto();

  await list.open(bare);
  await app.waitReady();
  await expect(notes.root).toBeVisible();
  const texts = await notes.texts();
  expect(texts).toEqual([expect.stringMatching(/^no tool spans: tool start and end times unknown; /)]);
  // Text, not markup: the note's words are the element's text and it holds no child elements.
  expect(await notes.notes.first().evaluate((el) => el.children.length)).toBe(0);
  const serious = (keys: string[]) => keys.filter((k) => !k.split('|')[1]!.startsWith('info'));
  expect(serious(await app.anomalyKeys())).toEqual([]);

  await list.open(full);
  await app.waitReady();
  await expect(notes.root).toHaveCount(0);
  expect(serious(await app.anomalyKeys())).toEqual([]);
  // The collector's own analysis agrees: nothing above info for either run.
  for (const run of [bare, full]) {
    const report = (await (await request.get(`${base}/api/runs/${run}/anomalies`)).json()) as {
      anomalies: { severity: string }[];
    };
    expect(report.anomalies.filter((a) => a.severity !== 'info')).toEqual([]);
  }
});

test('a loaded file’s notes come from its run.start line, shown as text even when they look like markup', async ({
  page,
}, testInfo) => {
  const hostile = '<img src=x onerror="window.__pwned=1"> no tool spans';
  const events = [
    { type: 'run.start', meta: { source: 'otlp', evidence: [hostile, 42] } },
    { type: 'llm.request', turn: 1 },
    { type: 'llm.response', turn: 1, calls: [] },
  ].map((e, seq) => JSON.stringify({ v: 1, run: 'noted', seq, t: 1_760_000_000_000 + seq, ...e }));
  const file = testInfo.outputPath('noted.jsonl');
  writeFileSync(file, `${events.join('\n')}\n`);
  const app = new DebuggerPage(page);
  const notes = new TraceEvidenceNotes(page);
  await app.goto();
  await app.openFile(file);
  expect(await notes.texts()).toEqual([hostile]);
  await expect(notes.root.locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
});
