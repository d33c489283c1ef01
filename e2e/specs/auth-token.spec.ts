// The collector's access token in the browser: `?token=` is read once, kept in sessionStorage for
// the tab, removed from the address bar (so a shared link never carries it), and sent only to the
// collector's own origin, never to a foreign `?src=` host.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { type RunningCollector, startCollector } from '../collector-process.ts';
import { DebuggerPage } from '../pages/debugger-page.ts';

const TOKEN = `e2e-${Math.random().toString(36).slice(2)}`;

/** A host of another origin serving a tiny trace with CORS, recording every request's headers. */
async function foreignHost(): Promise<{ url: string; seen: IncomingHttpHeaders[]; close: () => void }> {
  const seen: IncomingHttpHeaders[] = [];
  const trace = [
    { v: 1, run: 'foreign', seq: 0, t: 1_760_000_000_000, type: 'run.start', agent: 'elsewhere' },
    { v: 1, run: 'foreign', seq: 1, t: 1_760_000_000_005, type: 'run.end', status: 'ok' },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n');
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', '*');
    if (req.method === 'OPTIONS') res.writeHead(204).end();
    else res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(trace);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => server.close() };
}

let collector: RunningCollector;
test.beforeAll(async () => {
  collector = await startCollector({ token: TOKEN });
});
test.afterAll(async () => {
  await collector?.stop();
});

test('?token= is kept for the tab, dropped from the URL and sent only to the collector', async ({
  page,
  browser,
}) => {
  const foreign = await foreignHost();
  try {
    // The collector's CSP (default-src 'self') stops a foreign ?src= fetch before it leaves the
    // browser. Drop it from the app's files here, so the test proves the app itself never hands the
    // token to another origin rather than relying on that policy.
    await page.route(`${collector.url}/**`, async (route) => {
      const res = await route.fetch();
      const headers = { ...res.headers() };
      delete headers['content-security-policy'];
      await route.fulfill({ response: res, headers });
    });
    const app = new DebuggerPage(page, collector.url);
    const runList = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/runs');
    await app.goto(`?token=${TOKEN}&src=${encodeURIComponent(`${foreign.url}/trace.jsonl`)}`);
    await app.waitReady();

    // Same origin: the API call carried the token and the collector accepted it.
    const res = await runList;
    expect(res.status()).toBe(200);
    expect(await res.request().headerValue('authorization')).toBe(`Bearer ${TOKEN}`);
    await expect(page.getByTestId('run-list')).not.toContainText('No collector reachable');

    // Read once: gone from the address bar (the rest of the state stays), kept in sessionStorage.
    await expect.poll(() => new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(new URL(page.url()).searchParams.get('src')).toBe(`${foreign.url}/trace.jsonl`);
    expect(await page.evaluate(() => sessionStorage.getItem('causelane.token'))).toBe(TOKEN);

    // Foreign origin: the trace was fetched, but never with the token (nor a preflight asking for it).
    expect(foreign.seen.length).toBeGreaterThan(0);
    for (const h of foreign.seen) {
      expect(h.authorization).toBeUndefined();
      expect(h['access-control-request-headers'] ?? '').not.toMatch(/authorization/i);
    }

    // A reload without ?token= still works from sessionStorage.
    const again = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/runs');
    await page.reload();
    expect((await again).status()).toBe(200);

    // A new tab without the token is refused: the token really is what lets the app in.
    const other = await browser.newPage();
    const refused = other.waitForResponse((r) => new URL(r.url()).pathname === '/api/runs');
    await other.goto(`${collector.url}/`);
    expect((await refused).status()).toBe(401);
    await expect(other.getByTestId('run-list')).toContainText('No collector reachable');
    await other.close();
  } finally {
    foreign.close();
  }
});
