// The access rules against a real collector, with raw node:http requests so the path and the Host
// header go out byte for byte: percent-encoded and re-cased API paths never skip the token, and a
// DNS-rebound Host is refused on HTTP and on every socket.io namespace unless the request carries the token.
import { request } from 'node:http';
import { impatientAgentScript, recordAgentOtlp } from '@causelane/importers/testing';
import { INGEST_NAMESPACE, UI_NAMESPACE } from '@causelane/trace-schema';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connected, sampleRun, startTestCollector, type TestCollector } from '../testing/test-collector.ts';
import { AccessPolicy } from './access-policy.ts';

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

/** A socket.io client over websocket sending the given Host header (and auth token). */
function client(c: TestCollector, ns: string, host: string, token?: string): Socket {
  return io(`${c.url}${ns}`, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: token ? { host, authorization: `Bearer ${token}` } : { host },
    auth: token ? { token } : {},
  });
}

/**
 * Joins a namespace over engine.io long-polling with raw requests (the polling client cannot set
 * Host) and returns the server's answer packet: `40…` connected, `44…` refused with a message.
 */
async function pollingConnect(port: number, host: string, ns: string, token?: string): Promise<string> {
  const base = '/socket.io/?EIO=4&transport=polling';
  // A collector with a token checks it at the engine.io handshake already (as ?token= or a header).
  const open = await raw(port, 'GET', token ? `${base}&token=${encodeURIComponent(token)}` : base, { host });
  expect(open.status).toBe(200);
  const { sid } = JSON.parse(open.body.slice(1)) as { sid: string };
  const packet = `40${ns === '/' ? '' : `${ns},`}${JSON.stringify(token ? { token } : {})}`;
  const sent = await raw(port, 'POST', `${base}&sid=${sid}`, { host, 'content-type': 'text/plain' }, packet);
  expect(sent.status).toBe(200);
  return (await raw(port, 'GET', `${base}&sid=${sid}`, { host })).body;
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

  it('refuses a rebound Host when it joins a socket.io namespace, polling or websocket', async () => {
    const evil = `evil.example:${c.port}`;
    // The engine.io handshake cannot see the auth payload, so the refusal comes at the namespace.
    for (const ns of ['/', INGEST_NAMESPACE, UI_NAMESPACE]) {
      expect(await pollingConnect(c.port, evil, ns)).toMatch(/^44.*host \\"evil\.example\\" is not allowed/);
      expect(await pollingConnect(c.port, `localhost:${c.port}`, ns)).toMatch(/^40/);
      const rebound = client(c, ns, evil);
      const local = client(c, ns, `localhost:${c.port}`);
      try {
        await expect(connected(rebound), ns).rejects.toThrow(/host "evil\.example" is not allowed/);
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

describe('a token-protected collector reached by a DNS name (serve --host 0.0.0.0 --token T)', () => {
  let c: TestCollector;
  const host = () => `buildbox:${c.port}`;
  beforeAll(async () => {
    c = await startTestCollector({ token: 'remote-tok' });
  });
  afterAll(() => c.dispose());

  it('accepts HTTP requests that carry the token whatever their Host, and refuses the others', async () => {
    const otlp = JSON.stringify(recordAgentOtlp(impatientAgentScript('conv-remote')));
    const headers = { host: host(), 'content-type': 'application/json' };
    const sent = await raw(
      c.port,
      'POST',
      '/v1/traces',
      { ...headers, authorization: 'Bearer remote-tok' },
      otlp,
    );
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toEqual({});
    const listed = await raw(c.port, 'GET', '/api/runs?token=remote-tok', { host: host() });
    expect(listed.status).toBe(200);
    expect(listed.body).toContain('"conv-remote"');
    // Without the token, or with a wrong one, the unknown Host is still refused.
    for (const auth of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const res = await raw(c.port, 'POST', '/v1/traces', { ...headers, ...auth }, otlp);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error).toMatch(/host "buildbox" is not allowed/);
    }
    expect((await raw(c.port, 'GET', '/api/runs?token=wrong', { host: host() })).status).toBe(403);
    expect((await raw(c.port, 'GET', '/', { host: host() })).status).toBe(403);
    // A browser's cross-site request is refused even with the token.
    const cross = await raw(c.port, 'GET', '/api/runs', {
      host: host(),
      origin: 'http://elsewhere.example',
      authorization: 'Bearer remote-tok',
    });
    expect(cross.status).toBe(403);
  });

  it('lets socket.io clients with auth.token connect and ingest whatever their Host, polling or websocket', async () => {
    for (const ns of ['/', INGEST_NAMESPACE, UI_NAMESPACE])
      expect(await pollingConnect(c.port, host(), ns, 'remote-tok')).toMatch(/^40/);
    // Without the token, or with a wrong one, the engine.io handshake itself is refused: nothing is
    // held for such a client, whatever it sends next.
    for (const query of ['', '&token=wrong']) {
      const res = await raw(c.port, 'GET', `/socket.io/?EIO=4&transport=polling${query}`, { host: host() });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).error).toMatch(
        /^unauthorized: this collector needs its token in the handshake/,
      );
    }
    const bearer = await raw(c.port, 'GET', '/socket.io/?EIO=4&transport=polling', {
      host: host(),
      authorization: 'Bearer remote-tok',
    });
    expect(bearer.status).toBe(200);
    const agent = client(c, INGEST_NAMESPACE, host(), 'remote-tok');
    const ui = client(c, UI_NAMESPACE, host(), 'remote-tok');
    const anonymous = client(c, UI_NAMESPACE, host());
    const wrong = client(c, INGEST_NAMESPACE, host(), 'wrong');
    // Listen at once: a refusal may arrive while the other clients are still at work.
    const refusals = [connected(anonymous), connected(wrong)].map((p) =>
      p.catch((err: { description?: { message?: string } }) => String(err.description?.message)),
    );
    try {
      await connected(agent);
      const ack = await agent
        .timeout(5000)
        .emitWithAck('events', { batch: 1, events: sampleRun('remote-run') });
      expect(ack).toMatchObject({ ok: true, batch: 1, stored: 12 });
      await connected(ui);
      const watched = await ui.timeout(5000).emitWithAck('run:watch', { run: 'remote-run' });
      expect(watched).toMatchObject({ ok: true, events: sampleRun('remote-run') });
      for (const refusal of await Promise.all(refusals))
        expect(refusal).toMatch(/Unexpected server response: 401/);
    } finally {
      for (const s of [agent, ui, anonymous, wrong]) s.disconnect();
    }
  });
});
