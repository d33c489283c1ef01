// The red team's findings against a real collector, each as it was reported: lone surrogates and
// invalid UTF-8 in every field and path, nesting past the cap, a batch over the byte limit, binary
// socket.io attachments, a crowd of connections that never join a namespace, a body whose last
// bytes never come, and a malformed URL carrying ?token=. Each gets a clear answer; nothing breaks.
import { connect, type Socket as NetSocket } from 'node:net';
import { impatientAgentScript, recordAgentOtlp } from '@causelane/importers/testing';
import { type ApiError, INGEST_NAMESPACE, type IngestAck, type RunListItem } from '@causelane/trace-schema';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { postOtlp } from '../testing/otlp-requests.ts';
import {
  connected,
  type IngestClient,
  sampleRun,
  startTestCollector,
  type TestCollector,
} from '../testing/test-collector.ts';

let c: TestCollector;
let agent: IngestClient;
beforeAll(async () => {
  c = await startTestCollector({
    limits: {
      maxBatchBytes: 64 * 1024,
      maxMessageBytes: 1024 * 1024,
      requestTimeoutMs: 600,
      maxPendingConnections: 4,
      connectTimeoutMs: 800,
    },
  });
  agent = await c.ingestClient();
});
afterAll(() => c.dispose());

const jsonl = (events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
const upload = (body: string | Uint8Array) => fetch(`${c.url}/api/runs`, { method: 'POST', body });
const listRuns = async () =>
  ((await (await fetch(`${c.url}/api/runs`)).json()) as { runs: RunListItem[] }).runs;
const send = (events: unknown[], batch = 1) =>
  agent.timeout(5000).emitWithAck('events', { batch, events }) as Promise<IngestAck>;

/** One `events` message as a raw socket.io frame over a raw WebSocket; resolves with its ack. */
async function rawIngest(payloadJson: string): Promise<IngestAck> {
  const ws = new WebSocket(`${c.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  try {
    return await new Promise<IngestAck>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('0')) ws.send(`40${INGEST_NAMESPACE},`);
        else if (text.startsWith(`40${INGEST_NAMESPACE},`))
          ws.send(`42${INGEST_NAMESPACE},7["events",${payloadJson}]`);
        else if (text.startsWith(`43${INGEST_NAMESPACE},7`))
          resolve((JSON.parse(text.slice(`43${INGEST_NAMESPACE},7`.length)) as IngestAck[])[0]!);
        else if (text === '2') ws.send('3');
      });
    });
  } finally {
    ws.close();
  }
}

describe('lone surrogates', () => {
  it('refuses a run id with a lone surrogate over HTTP, naming line and field, and the run list keeps working', async () => {
    // The red team's line: the JSON escape decodes to an unpaired surrogate.
    const line = '{"v":1,"run":"x\\ud800","seq":0,"t":1,"type":"run.start","agent":"a"}';
    const res = await upload(`${jsonl(sampleRun('clean-before'))}${line}\n`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ApiError;
    expect(body.details).toEqual([
      expect.stringMatching(/^line:13: field run: the string has an unpaired surrogate U\+D800 at index 1/),
    ]);
    const list = await fetch(`${c.url}/api/runs`);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { runs: RunListItem[] }).runs.some((r) => r.id.startsWith('x'))).toBe(
      false,
    );
  });

  it.each([
    ['agent', { type: 'run.start', agent: 'bot\udfff' }, 'agent'],
    ['a call id', { type: 'tool.start', turn: 1, call: 'c\ud83d' }, 'call'],
    [
      'a tool name',
      { type: 'llm.response', turn: 1, calls: [{ id: 'a', name: 'n\ud800' }] },
      'calls[0].name',
    ],
    [
      'an args string',
      { type: 'llm.response', turn: 1, calls: [{ id: 'a', name: 'n', args: { q: 'x\ud800' } }] },
      'calls[0].args.q',
    ],
    [
      'a result key',
      { type: 'tool.end', turn: 1, call: 'a', ok: true, result: { 'k\udc00': 1 } },
      'result["k\\udc00"]',
    ],
  ])('refuses %s with a lone surrogate over HTTP and the socket', async (_what, body, field) => {
    const event = { v: 1, run: 'sur', seq: 0, t: 1, ...body };
    const res = await upload(jsonl([event]));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ApiError).details?.[0]).toContain(`line:1: field ${field}: `);
    const ack = await send([event]);
    expect(ack).toMatchObject({ ok: false, rejected: [{ index: 0, field }] });
    await expect(c.store.hasRunId('sur')).resolves.toBe(false);
  });

  it('refuses OTLP spans with a lone surrogate in an attribute, naming the field', async () => {
    const request = recordAgentOtlp(impatientAgentScript('conv-sur')) as {
      resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
    };
    request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name = 'chat \ud800';
    const res = await postOtlp(c.url, JSON.stringify(request));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ApiError).error).toMatch(
      /^field resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name: the string has an unpaired surrogate U\+D800/,
    );
    expect((await listRuns()).some((r) => r.id === 'conv-sur')).toBe(false);
  });
});

describe('invalid UTF-8', () => {
  it('refuses an upload with an invalid byte, naming its line, instead of storing U+FFFD', async () => {
    const good = Buffer.from(jsonl(sampleRun('utf8-run')));
    const bad = Buffer.from(
      '{"v":1,"run":"utf8-run","seq":12,"t":1,"type":"run.end","note":"ab\xff"}\n',
      'latin1',
    );
    const res = await upload(Buffer.concat([good, bad]));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ApiError).details).toEqual([
      expect.stringMatching(
        /^line:13: field \(line\): not valid UTF-8 \(byte 0xFF at byte \d+ of the line\)/,
      ),
    ]);
    await expect(c.store.hasRunId('utf8-run')).resolves.toBe(false);
  });

  it('still accepts multi-byte UTF-8 and emoji', async () => {
    const res = await upload(jsonl(sampleRun('héllo-😀')));
    expect(res.status).toBe(201);
  });
});

describe('nesting depth', () => {
  it('answers 10,000 levels with a clear 400 over HTTP, an error ack over the socket and a 400 over OTLP', async () => {
    // Built as text: JSON.stringify itself overflows the stack on values this deep.
    const deepText = (n: number) =>
      `{"v":1,"run":"deep","seq":0,"t":1,"type":"run.end","x":${'['.repeat(n)}1${']'.repeat(n)}}`;
    const res = await upload(`${deepText(10_000)}\n`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ApiError).details?.[0]).toMatch(
      /^line:1: field x(\[0\])+: nesting is deeper than 100 levels/,
    );
    // socket.io-client cannot even encode this; the raw frame can.
    expect(await rawIngest(`{"batch":1,"events":[${deepText(10_000)}]}`)).toMatchObject({
      ok: false,
      rejected: [{ index: 0, message: expect.stringMatching(/nesting is deeper/) }],
    });
    const otlp = await postOtlp(
      c.url,
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":${'['.repeat(10_000)}${']'.repeat(10_000)}}]}]}]}`,
    );
    expect(otlp.status).toBe(400);
    expect(((await otlp.json()) as ApiError).error).toMatch(/nesting is deeper than 100 levels/);
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
  });
});

describe('socket batches', () => {
  it('answers a batch over the byte limit with an error ack and keeps the connection', async () => {
    const big = Array.from({ length: 10 }, (_, seq) => ({
      v: 1,
      run: 'fat',
      seq,
      t: 1,
      type: 'llm.request',
      turn: 1,
      pad: 'x'.repeat(10_000),
    }));
    const ack = await send(big);
    expect(ack).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^batch is \d+ bytes of events; the limit is 65536/),
    });
    expect(agent.connected).toBe(true);
    expect(await send(big.slice(0, 3), 2)).toMatchObject({ ok: true, stored: 3 });
  });

  it('closes a connection that sends binary attachments, holding nothing, and serves the next one', async () => {
    const rogue = await connected(
      io(`${c.url}${INGEST_NAMESPACE}`, { transports: ['websocket'], reconnection: false }),
    );
    const closed = new Promise<string>((r) => rogue.once('disconnect', (reason) => r(reason)));
    rogue.emit('events', { batch: 1, events: [Buffer.alloc(64 * 1024)] } as never, () => {});
    expect(await closed).toMatch(/transport close|parse error|io server disconnect/);
    expect(await send(sampleRun('after-binary'), 3)).toMatchObject({ ok: true });
  });
});

describe('connections that never join a namespace', () => {
  const handshake = () => fetch(`${c.url}/socket.io/?EIO=4&transport=polling`);

  it('caps them with 503 and closes them after connectTimeout', async () => {
    const before = await Promise.all(Array.from({ length: 4 }, handshake));
    expect(before.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const refused = await handshake();
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as ApiError).error).toMatch(/waiting to join a namespace; retry later/);
    // Real clients still get in once the idle ones are closed.
    await expect.poll(async () => (await handshake()).status, { timeout: 5000, interval: 200 }).toBe(200);
  });
});

describe('slow bodies and bad URLs', () => {
  it('cuts off a body whose last bytes never come', async () => {
    const sock: NetSocket = connect(c.port, '127.0.0.1');
    let answer = '';
    sock.on('data', (d) => (answer += d.toString()));
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.write(
      `POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(900)}`,
    );
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers a malformed percent-escape with the project error format, without echoing ?token=', async () => {
    const res = await fetch(`${c.url}/api/runs/%E0%A4%A?token=s3cret-token`);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('s3cret-token');
    expect(JSON.parse(text)).toEqual({
      error: 'the URL path is not valid (a malformed percent-escape); request refused',
    });
  });
});
