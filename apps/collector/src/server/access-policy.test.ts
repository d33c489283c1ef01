// The access rules against a real collector, with raw node:http requests so the path and the Host
// header go out byte for byte: percent-encoded and re-cased API paths never skip the token, and a
// DNS-rebound Host is refused on HTTP and on both socket.io namespaces.
import { request } from 'node:http';
import { INGEST_NAMESPACE, UI_NAMESPACE } from '@causelane/trace-schema';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPolicy } from './access-policy.ts';
import { connected, sampleRun, startTestCollector, type TestCollector } from './test-collector.ts';

interface RawResponse {
  status: number;
  body: string;
}

/** One HTTP/1.1 request with the path and headers exactly as given (node:http does not normalize them). */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A websocket upgrade to engine.io: 101 when accepted, otherwise the status it answered with. */
function upgrade(port: number, namespaceQuery: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: `/socket.io/?EIO=4&transport=websocket${namespaceQuery}`,
      headers: {
        host,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const jsonl = (events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;

describe('the token on percent-encoded and look-alike API paths', () => {
  let t: TestCollector;
  const auth = { authorization: 'Bearer tok-enc' };
  beforeAll(async () => {
    t = await startTestCollector({ token: 'tok-enc' });
    const stored = await raw(t.port, 'POST', '/api/runs', auth, jsonl(sampleRun('secret-run')));
    expect(stored.status).toBe(201);
  });
  afterAll(() => t.dispose());

  it.each([
    ['GET', '/%61pi/runs'],
    ['GET', '/%2561pi/runs'],
    ['GET', '/API/runs'],
    ['GET', '/api//runs'],
    ['GET', '/%61pi/runs/secret-run/events'],
    ['GET', '/%61pi/runs/secret-run/anomalies'],
    ['GET', '/api/runs/secret%2drun/events'],
    ['POST', '/%61pi/runs'],
    ['DELETE', '/%61pi/runs/secret-run'],
    ['POST', '/%61pi/scenarios/x/run'],
    ['POST', '/v%31/traces'],
    ['POST', '/%76%31/traces'],
  ])('%s %s is refused without the token and leaks nothing', async (method, path) => {
    const body = method === 'POST' ? jsonl(sampleRun('sneaked-in')) : undefined;
    const res = await raw(t.port, method, path, { 'content-type': 'application/json' }, body);
    expect([401, 404]).toContain(res.status);
    expect(res.body).not.toContain('secret-run"');
    expect(res.body).not.toContain('run.start');
    const runs = await raw(t.port, 'GET', '/api/runs', auth);
    expect(runs.body).toContain('"secret-run"');
    expect(runs.body).not.toContain('sneaked-in');
  });

  it('still serves the encoded paths to a client that sends the token', async () => {
    const res = await raw(t.port, 'GET', '/%61pi/runs', auth);
    expect(res.status).toBe(200);
    expect(res.body).toContain('"secret-run"');
  });

  it('asks for the token on a write to an unknown path instead of answering it', async () => {
    expect((await raw(t.port, 'POST', '/nowhere', {}, 'x')).status).toBe(401);
    expect((await raw(t.port, 'GET', '/nowhere')).status).toBe(404);
    expect((await raw(t.port, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('the Host allowlist (DNS rebinding)', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector({ allowHosts: ['collector.internal', '.corp.example'] });
    expect((await raw(c.port, 'POST', '/api/runs', {}, jsonl(sampleRun('mine')))).status).toBe(201);
  });
  afterAll(() => c.dispose());

  it('refuses a rebound page whose Origin and Host both name the attacker', async () => {
    const evil = { host: `evil.example:${c.port}`, origin: `http://evil.example:${c.port}` };
    const list = await raw(c.port, 'GET', '/api/runs', evil);
    expect(list.status).toBe(403);
    expect(JSON.parse(list.body).error).toMatch(/host "evil\.example" is not allowed.*--allow-host/);
    expect(list.body).not.toContain('mine');
    expect((await raw(c.port, 'DELETE', '/api/runs/mine', evil)).status).toBe(403);
    // Without Origin too (a plain navigation to the rebound name), and for the page itself.
    expect((await raw(c.port, 'GET', '/api/runs', { host: 'evil.example' })).status).toBe(403);
    expect((await raw(c.port, 'GET', '/', { host: `evil.example:${c.port}` })).status).toBe(403);
    expect((await raw(c.port, 'GET', '/api/runs/mine/events', {})).status).toBe(200);
  });

  it.each([
    'localhost',
    'LOCALHOST:1234',
    'app.localhost',
    '127.0.0.1',
    '127.8.9.10:80',
    '[::1]:4800',
    '10.1.2.3',
    'collector.internal',
    'corp.example',
    'a.b.corp.example:443',
  ])('accepts Host %s', async (host) => {
    const res = await raw(c.port, 'GET', '/api/runs', { host });
    expect(res.status).toBe(200);
  });

  it.each([
    'evil.example',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    'xcorp.example',
    'collector.internal.evil.example',
    'user@127.0.0.1',
  ])('refuses Host %s', async (host) => {
    expect((await raw(c.port, 'GET', '/api/runs', { host })).status).toBe(403);
  });

  it('refuses a rebound Host at the socket.io handshake, polling and websocket, on both namespaces', async () => {
    const evil = `evil.example:${c.port}`;
    const poll = await raw(c.port, 'GET', '/socket.io/?EIO=4&transport=polling', { host: evil });
    expect(poll.status).toBe(403);
    expect(poll.body).toMatch(/not allowed/);
    expect(await upgrade(c.port, '', evil)).not.toBe(101);
    expect(await upgrade(c.port, '', `127.0.0.1:${c.port}`)).toBe(101);
    const client = (ns: string, host: string) =>
      io(`${c.url}${ns}`, { transports: ['websocket'], reconnection: false, extraHeaders: { host } });
    for (const ns of [INGEST_NAMESPACE, UI_NAMESPACE]) {
      const rebound = client(ns, evil);
      const local = client(ns, `localhost:${c.port}`);
      try {
        await expect(connected(rebound)).rejects.toThrow();
        // The same client with an allowed Host connects: the refusal is the Host's doing.
        await expect(connected(local)).resolves.toBe(local);
      } finally {
        rebound.disconnect();
        local.disconnect();
      }
    }
  });

  it('accepts the bound host and the hosts of --allow-origin values', async () => {
    const policy = new AccessPolicy({
      boundHost: 'box.lan',
      allowOrigins: ['http://dev.example:5173'],
    });
    expect(policy.hostRefusal({ host: 'box.lan:4800' })).toBeNull();
    expect(policy.hostRefusal({ host: 'dev.example:4800' })).toBeNull();
    expect(policy.hostRefusal({ host: 'other.example' })).toMatch(/not allowed/);
    expect(() => new AccessPolicy({ allowHosts: ['http://x.example'] })).toThrow(/--allow-host/);
  });
});
