// A live OTLP run that the collector re-derives while a user watches it: the second batch holds
// spans that come before the first batch's, so the collector sends `run:reset`, and the open page
// must replace the run, re-analyze and redraw it without a reload.
import { impatientAgentScript, recordAgentOtlp } from '@causelane/importers/testing';
import { expect, test } from '@playwright/test';
import { DebuggerPage } from '../pages/debugger-page.ts';

interface OtlpRequest {
  resourceSpans: { scopeSpans: { spans: { name: string; startTimeUnixNano: string }[] }[] }[];
}

/** Turn 2 is sent before `search` ends (premature-llm-call); its result lands in turn 3 (late-commit). */

/** The request's spans split by start time: those from `at` on, and those before. */
function splitAt(request: OtlpRequest, at: bigint): [OtlpRequest, OtlpRequest] {
  const part = (keep: (start: bigint) => boolean): OtlpRequest => ({
    resourceSpans: request.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.filter((s) => keep(BigInt(s.startTimeUnixNano))),
      })),
    })),
  });
  return [part((s) => s >= at), part((s) => s < at)];
}

test('a run re-derived by the collector (run:reset) is replaced and redrawn live', async ({
  page,
  request,
}) => {
  const base = process.env.CAUSELANE_URL!;
  const run = `otlp-reset-${Date.now()}`;
  const full = recordAgentOtlp(impatientAgentScript(run)) as OtlpRequest;
  const t0 = BigInt(full.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.startTimeUnixNano).sort()[0]!);
  // Turns 2 and 3 first; turn 1 and its tool calls, which come before them, second.
  const [later, earlier] = splitAt(full, t0 + 20_000_000n);
  const post = async (body: OtlpRequest) => {
    const res = await request.post(`${base}/v1/traces`, { data: body });
    expect(res.status()).toBe(200);
  };

  const resets: string[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"run:reset"')) resets.push(payload);
    }),
  );
  const app = new DebuggerPage(page);
  await app.goto();
  await post(later);
  await page.locator(`button[data-run="${run}"]`).click();
  await app.waitReady();
  const before = Number(await app.canvas.getAttribute('data-ready-events'));
  let reloads = 0;
  page.on('load', () => reloads++);
  // Watched, and not claimed finished: no run.end has arrived.
  await expect(page.getByTestId('open-badge').or(page.getByTestId('live-badge'))).toBeVisible();

  await post(earlier);
  await expect.poll(() => resets.length).toBeGreaterThan(0);
  // The page shows the final run: the collector's own analysis of it, flag for flag.
  const report = (await (await request.get(`${base}/api/runs/${run}/anomalies`)).json()) as {
    runs: { events: number }[];
    anomalies: { type: string; severity: string; turn: number; call: string | null }[];
  };
  const want = report.anomalies.map((a) => `${a.type}|${a.severity}|${a.turn}|${a.call ?? ''}`).sort();
  expect(want).toEqual(['late-commit|error|1|call_search', 'premature-llm-call|error|2|call_search']);
  await expect.poll(async () => (await app.anomalyKeys()).sort()).toEqual(want);
  const events = (await (await request.get(`${base}/api/runs/${run}/events`)).text()).trim().split('\n');
  expect(events.length).toBeGreaterThan(before);
  await app.waitReady(events.length);
  expect(reloads).toBe(0);
});
