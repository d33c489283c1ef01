// The collector's access token in the browser: `?token=` is read once, kept in sessionStorage for
// the tab, removed from the address bar (so a shared link never carries it), and sent only to the
// app's own origin, never to a foreign `?src=` host, which loads when the collector serves the app too.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO_ROOT, type RunningCollector, startCollector } from '../collector-process.ts';
import { DebuggerPage } from '../pages/debugger-page.ts';

const TOKEN = `e2e-${Math.random().toString(36).slice(2)}`;
const TRACE = [
  { v: 1, run: 'r1', seq: 0, t: 1_760_000_000_000, type: 'run.start', agent: 'token-test' },
  { v: 1, run: 'r1', seq: 1, t: 1_760_000_000_005, type: 'run.end', status: 'ok' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/**
 * A plain HTTP host recording every request's headers. With `app`, it also serves the built web
 * app (without the collector's CSP, which would block a foreign fetch before it left the browser,
 * so this proves the app itself keeps the token home).
 */
async function host(app: boolean) {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, headers: req.headers });
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (path === '/trace.jsonl') return void res.writeHead(200).end(TRACE);
    if (!app || path.startsWith('/api/')) return void res.writeHead(404).end();
    const file = join(REPO_ROOT, 'apps/web/dist', normalize(path === '/' ? '/index.html' : path));
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
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

test('?token= is read once, kept for the tab and sent to the collector', async ({ page, browser }) => {
  const app = new DebuggerPage(page, collector.url);
  const runList = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/runs');
  await app.goto(`?token=${TOKEN}&mode=seq`);

  // The API call carried the token and the collector, which requires it, accepted it.
  const res = await runList;
  expect(res.status()).toBe(200);
  expect(await res.request().headerValue('authorization')).toBe(`Bearer ${TOKEN}`);
  await expect(page.getByTestId('run-list')).not.toContainText('No collector reachable');

  // Gone from the address bar (the rest of the query stays), kept in sessionStorage.
  await expect.poll(() => new URL(page.url()).searchParams.has('token')).toBe(false);
  expect(new URL(page.url()).searchParams.get('mode')).toBe('seq');
  expect(await page.evaluate(() => sessionStorage.getItem('causelane.token'))).toBe(TOKEN);

  // A reload without ?token= still gets in, from sessionStorage.
  const again = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/runs');
  await page.reload();
  expect((await again).status()).toBe(200);
  expect(await (await again).request().headerValue('authorization')).toBe(`Bearer ${TOKEN}`);

  // A new tab without the token is refused: the token really is what lets the app in.
  const other = await browser.newPage();
  const refused = other.waitForResponse((r) => new URL(r.url()).pathname === '/api/runs');
  await other.goto(`${collector.url}/`);
  expect((await refused).status()).toBe(401);
  await expect(other.getByTestId('run-list')).toContainText('No collector reachable');
  await other.close();
});

test('the token goes to a same-origin ?src= but never to a foreign one', async ({ page }) => {
  const home = await host(true);
  const foreign = await host(false);
  try {
    const app = new DebuggerPage(page, home.url);
    await app.goto(`?token=${TOKEN}&src=${encodeURIComponent(`${foreign.url}/trace.jsonl`)}`);
    await app.waitReady(2);
    const fetched = foreign.seen.filter((r) => r.path === '/trace.jsonl');
    expect(fetched.length).toBeGreaterThan(0);
    for (const r of foreign.seen) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers['access-control-request-headers'] ?? '').not.toMatch(/authorization/i);
    }

    // The same trace from the app's own origin is fetched with the token.
    await app.goto(`?src=${encodeURIComponent('/trace.jsonl')}`);
    await app.waitReady(2);
    const own = home.seen.filter((r) => r.path === '/trace.jsonl');
    expect(own.length).toBeGreaterThan(0);
    expect(own.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  } finally {
    home.close();
    foreign.close();
  }
});

test('a foreign ?src= loads in the app the collector serves, without the token', async ({ page }) => {
  const foreign = await host(false);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) violations.push(m.text());
  });
  try {
    const app = new DebuggerPage(page, collector.url);
    const src = `${foreign.url}/trace.jsonl`;
    const runList = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/runs');
    await app.goto(`?token=${TOKEN}&src=${encodeURIComponent(src)}`);
    await app.waitReady(2);
    await expect(app.loadError).toHaveCount(0);
    // The collector's CSP is what the page ran under, and it still kept scripts to the app's origin.
    const csp = (await page.request.get(`${collector.url}/`)).headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/connect-src 'self' http: https:/);
    expect(csp).toMatch(/^default-src 'self';/);
    expect(csp).not.toMatch(/script-src|'unsafe-eval'/);
    expect(violations).toEqual([]);
    // The collector got its token; the foreign host never did.
    expect(await (await runList).request().headerValue('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(foreign.seen.filter((r) => r.path === '/trace.jsonl').length).toBeGreaterThan(0);
    for (const r of foreign.seen) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers['access-control-request-headers'] ?? '').not.toMatch(/authorization/i);
    }
  } finally {
    foreign.close();
  }
});
