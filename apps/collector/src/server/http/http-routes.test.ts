// The HTTP API against a real collector and SQLite file: uploads of the shared example traces, the
// run list, JSONL export, anomalies (same JSON as `causelane analyze --json`), deletion and errors.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRuns } from '@causelane/analysis';
import { type ApiError, type RunListItem, readTraceText, type UploadResponse } from '@causelane/trace-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../testing/run-cli.ts';
import { sampleRun, startTestCollector, type TestCollector } from '../../testing/test-collector.ts';

const exampleFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.jsonl'));
const jsonl = (events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(() => c.dispose());

async function listRuns(): Promise<RunListItem[]> {
  return ((await (await fetch(`${c.url}/api/runs`)).json()) as { runs: RunListItem[] }).runs;
}

describe('HTTP API', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${c.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it.each(exampleFiles)(
    'stores the uploaded example %s and serves it back identically, with its anomalies',
    async (file) => {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      const expected = readTraceText(text);
      const res = await fetch(`${c.url}/api/runs`, {
        method: 'POST',
        body: text,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as UploadResponse;
      expect(body.runs).toEqual([...expected.runs.keys()]);
      for (const [run, events] of expected.runs) {
        const back = await fetch(`${c.url}/api/runs/${encodeURIComponent(run)}/events`);
        expect(back.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
        const reread = readTraceText(await back.text());
        expect(reread.errors).toEqual([]);
        expect(reread.runs.get(run)).toEqual(events);
        const anomalies = await (
          await fetch(`${c.url}/api/runs/${encodeURIComponent(run)}/anomalies`)
        ).json();
        expect(anomalies).toEqual(analyzeRuns(new Map([[run, events]])));
        const listed = (await listRuns()).find((r) => r.id === run)!;
        const summary = analyzeRuns(new Map([[run, events]])).runs[0]!;
        expect(listed).toMatchObject({
          events: events.length,
          agent: summary.agent,
          mode: summary.mode,
          anomalies: summary.anomalies,
        });
      }
    },
  );

  it('answers a second upload of the same trace with duplicates and stores nothing twice', async () => {
    const text = jsonl(sampleRun('twice'));
    const first = await (await fetch(`${c.url}/api/runs`, { method: 'POST', body: text })).json();
    const second = await fetch(`${c.url}/api/runs`, { method: 'POST', body: text });
    expect(first).toEqual({ runs: ['twice'], stored: 12, duplicates: 0 });
    expect(second.status).toBe(201);
    expect(await second.json()).toEqual({ runs: ['twice'], stored: 0, duplicates: 12 });
    expect((await listRuns()).find((r) => r.id === 'twice')!.events).toBe(12);
  });

  it('lists runs newest first', async () => {
    await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun('older')) });
    await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun('newer')) });
    const ids = (await listRuns()).map((r) => r.id);
    expect(ids.indexOf('newer')).toBeLessThan(ids.indexOf('older'));
    expect(ids[0]).toBe('newer');
  });

  it('rejects an invalid upload with line and field messages and stores nothing from it', async () => {
    const good = sampleRun('half-valid');
    const lines = jsonl(good).split('\n');
    lines[3] = '{"v":1,"run":"half-valid","seq":3,"t":1,"type":"tool.start","turn":0,"call":"c0"}';
    lines[5] = 'not json';
    const res = await fetch(`${c.url}/api/runs`, { method: 'POST', body: lines.join('\n') });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Required<ApiError>;
    expect(body.error).toMatch(/2 lines rejected; nothing was stored/);
    expect(body.details[0]).toMatch(/^line:4: field turn: /);
    expect(body.details[1]).toMatch(/^line:6: field \(line\): not valid JSON/);
    expect((await listRuns()).some((r) => r.id === 'half-valid')).toBe(false);
  });

  it('rejects an upload that conflicts with a stored event and keeps none of its new events', async () => {
    await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun('conflict')) });
    const changed = sampleRun('conflict').map((e) => (e.seq === 5 ? { ...e, t: 5 } : e));
    const extra = { v: 1, run: 'conflict-new', seq: 0, t: 1, type: 'run.start' };
    const res = await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl([extra, ...changed]) });
    // The database found the conflict: 409, as for a run made from OTLP spans.
    expect(res.status).toBe(409);
    expect(((await res.json()) as ApiError).error).toMatch(
      /run "conflict" seq 5 is already stored with different content/,
    );
    expect((await listRuns()).some((r) => r.id === 'conflict-new')).toBe(false);
  });

  it('rejects an empty body with a clear error', async () => {
    const empty = await fetch(`${c.url}/api/runs`, { method: 'POST', body: '\n\n' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ApiError).error).toMatch(/no events/);
  });

  it('deletes a run and announces 404 afterwards', async () => {
    await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun('doomed')) });
    expect((await fetch(`${c.url}/api/runs/doomed`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${c.url}/api/runs/doomed/events`)).status).toBe(404);
    expect((await fetch(`${c.url}/api/runs/doomed`, { method: 'DELETE' })).status).toBe(404);
    expect((await listRuns()).some((r) => r.id === 'doomed')).toBe(false);
  });

  it('handles run ids with slashes, spaces and 200 characters', async () => {
    for (const run of ['a/b c?d#e', 'x'.repeat(200)]) {
      await fetch(`${c.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun(run)) });
      const res = await fetch(`${c.url}/api/runs/${encodeURIComponent(run)}/events`);
      expect(res.status).toBe(200);
      expect(readTraceText(await res.text()).runs.get(run)).toHaveLength(12);
    }
  });

  it('refuses cross-origin browser requests and answers unknown routes with JSON 404s', async () => {
    const cross = await fetch(`${c.url}/api/runs`, { headers: { origin: 'http://evil.example' } });
    expect(cross.status).toBe(403);
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();
    const same = await fetch(`${c.url}/api/runs`, { headers: { origin: c.url } });
    expect(same.status).toBe(200);
    const missing = await fetch(`${c.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no route GET /api/nothing' });
  });

  it('serves a minimal run list page that never puts trace content into HTML', async () => {
    const res = await fetch(`${c.url}/`);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/_collector/page.js">');
    const js = await (await fetch(`${c.url}/_collector/page.js`)).text();
    expect(js).toContain('textContent');
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe('HTTP API with a token', () => {
  let t: TestCollector;
  beforeAll(async () => {
    t = await startTestCollector({ token: 'tok-123' });
  });
  afterAll(() => t.dispose());

  it('answers 401 without the token and serves with a bearer header or ?token= on GET', async () => {
    expect((await fetch(`${t.url}/api/runs`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/runs`, { headers: { authorization: 'Bearer nope' } })).status).toBe(
      401,
    );
    const post = await fetch(`${t.url}/api/runs`, { method: 'POST', body: jsonl(sampleRun('secret')) });
    expect(post.status).toBe(401);
    expect((await fetch(`${t.url}/api/runs?token=tok-123`, { method: 'DELETE' })).status).toBe(401);
    const ok = await fetch(`${t.url}/api/runs`, {
      method: 'POST',
      body: jsonl(sampleRun('secret')),
      headers: { authorization: 'Bearer tok-123' },
    });
    expect(ok.status).toBe(201);
    expect((await fetch(`${t.url}/api/runs/secret/events?token=tok-123`)).status).toBe(200);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});

/** A collector serving a minimal built web app (index.html and one asset) from a temp folder. */
async function startWithWebDist() {
  const probe = await startTestCollector();
  const dist = join(probe.dir, 'web-dist');
  await probe.dispose();
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>web app</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  return startTestCollector({ webDist: dist });
}

describe('serving the built web app', () => {
  it('serves apps/web/dist at / with client-side routes falling back to index.html', async () => {
    const w = await startWithWebDist();
    try {
      expect(await (await fetch(`${w.url}/`)).text()).toContain('web app');
      expect(await (await fetch(`${w.url}/assets/app.js`)).text()).toBe('console.log(1)');
      expect(await (await fetch(`${w.url}/runs/some-run`)).text()).toContain('web app');
      expect((await fetch(`${w.url}/api/nope`)).status).toBe(404);
      const traversal = await (await fetch(`${w.url}/assets/..%2f..%2f..%2fetc%2fpasswd`)).text();
      expect(traversal).not.toContain('root:');
    } finally {
      await w.dispose();
    }
  });

  it("lets the web app fetch a foreign ?src= trace but keeps scripts and everything else to 'self'", async () => {
    const w = await startWithWebDist();
    try {
      for (const path of ['/', '/assets/app.js', '/runs/some-run']) {
        const csp = (await fetch(`${w.url}${path}`)).headers.get('content-security-policy') ?? '';
        const directives = new Map(
          csp.split(';').map((d) => {
            const [name, ...values] = d.trim().split(/\s+/);
            return [name!, values] as const;
          }),
        );
        expect(directives.get('connect-src'), path).toEqual(["'self'", 'http:', 'https:']);
        expect(directives.get('default-src'), path).toEqual(["'self'"]);
        expect(directives.get('script-src') ?? directives.get('default-src'), path).toEqual(["'self'"]);
        expect(directives.get('object-src'), path).toEqual(["'none'"]);
        expect(directives.get('base-uri'), path).toEqual(["'none'"]);
        expect(directives.get('frame-ancestors'), path).toEqual(["'none'"]);
      }
    } finally {
      await w.dispose();
    }
  });
});
