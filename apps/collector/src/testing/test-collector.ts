// Test fixture: a real collector on port 0 with a real SQLite file in a fresh temp folder, plus
// real socket.io clients for both namespaces. Used by the collector's integration tests under src/server/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  IngestClientToServerEvents,
  IngestServerToClientEvents,
  TraceEvent,
  UiClientToServerEvents,
  UiServerToClientEvents,
} from '@causelane/trace-schema';
import type { Socket } from 'socket.io-client';
import type { Collector, CollectorOptions } from '../server/collector.ts';
import type { SqliteEventStore } from '../server/store/sqlite-event-store.ts';

export type IngestClient = Socket<IngestServerToClientEvents, IngestClientToServerEvents>;
export type UiClient = Socket<UiServerToClientEvents, UiClientToServerEvents>;

export interface TestCollector extends Omit<Collector, 'store'> {
  /** The SQLite store (its `db` is open for tests that look at the tables). */
  store: SqliteEventStore;
  dir: string;
  dbFile: string;
  ingestClient(token?: string): Promise<IngestClient>;
  uiClient(token?: string): Promise<UiClient>;
  /** Closes clients and server, removes the temp folder. */
  dispose(): Promise<void>;
}

export async function connected<S extends Socket>(socket: S): Promise<S> {
  if (socket.connected) return socket;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

export async function startTestCollector(options: Partial<CollectorOptions> = {}): Promise<TestCollector> {
  // Loaded here, not at the top: the `./testing` entry is also imported by the e2e suite for the
  // process helper alone, and Playwright loads it in every process; this keeps that import instant.
  const [{ startCollector }, { io }, { INGEST_NAMESPACE, UI_NAMESPACE }] = await Promise.all([
    import('../server/collector.ts'),
    import('socket.io-client'),
    import('@causelane/trace-schema'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'causelane-collector-'));
  const dbFile = join(dir, 'causelane.db');
  const collector = await startCollector({
    db: dbFile,
    port: 0,
    webDist: join(dir, 'no-web'),
    scenarioSdk: null,
    log: { info: () => {}, error: () => {} },
    ...options,
  });
  const clients: Socket[] = [];
  const open = <S extends Socket>(ns: string, token?: string) => {
    const s = io(`${collector.url}${ns}`, {
      transports: ['websocket'],
      auth: token ? { token } : {},
      // As the web app does: the handshake carries the token too (a collector with one checks it first).
      query: token ? { token } : {},
      reconnection: false,
    });
    clients.push(s);
    return connected(s as S);
  };
  return {
    ...collector,
    store: collector.store as SqliteEventStore,
    dir,
    dbFile,
    ingestClient: (token) => open<IngestClient>(INGEST_NAMESPACE, token),
    uiClient: (token) => open<UiClient>(UI_NAMESPACE, token),
    async dispose() {
      for (const c of clients) c.disconnect();
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small valid run: start, one turn with `calls` parallel calls, end. */
export function sampleRun(run: string, calls = 2, t0 = 1_760_000_000_000): TraceEvent[] {
  const out: TraceEvent[] = [];
  let seq = 0;
  const at = () => t0 + seq;
  out.push({ v: 1, run, seq: seq++, t: at(), type: 'run.start', agent: 'test-agent', mode: 'causal' });
  out.push({ v: 1, run, seq: seq++, t: at(), type: 'llm.request', turn: 1 });
  const ids = Array.from({ length: calls }, (_, i) => `c${i}`);
  out.push({
    v: 1,
    run,
    seq: seq++,
    t: at(),
    type: 'llm.response',
    turn: 1,
    calls: ids.map((id) => ({ id, name: 'lookup' })),
  });
  for (const id of ids) out.push({ v: 1, run, seq: seq++, t: at(), type: 'tool.start', turn: 1, call: id });
  for (const id of ids)
    out.push({ v: 1, run, seq: seq++, t: at(), type: 'tool.end', turn: 1, call: id, ok: true });
  for (const id of ids) out.push({ v: 1, run, seq: seq++, t: at(), type: 'tool.commit', turn: 1, call: id });
  out.push({ v: 1, run, seq: seq++, t: at(), type: 'llm.request', turn: 2 });
  out.push({ v: 1, run, seq: seq++, t: at(), type: 'llm.response', turn: 2, calls: [] });
  out.push({ v: 1, run, seq: seq++, t: at(), type: 'run.end', status: 'ok' });
  return out;
}
