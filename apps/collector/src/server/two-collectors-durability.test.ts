// Option 1 of docs/scaling.md, as the red team ran it: two `causelane serve` processes on ONE SQLite
// file and four real SDK agents (Tracer + SocketIoSink), two on each node, all writing at once.
// Every event an agent had acked must be stored exactly once: a busy database is a "retry later"
// the sink waits out, never a refusal that loses an agent's trace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tracer } from '@causelane/sdk';
import { SocketIoSink } from '@causelane/sdk/socketio';
import { readTraceText } from '@causelane/trace-schema';
import { afterAll, expect, it } from 'vitest';
import { type CollectorProcess, spawnCollector } from '../testing/collector-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-two-nodes-'));
const nodes: CollectorProcess[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
  rmSync(dir, { recursive: true, force: true });
});

const EVENTS = 1500;

it('stores every acked event of four agents exactly once with two collectors on one database file', async () => {
  const db = join(dir, 'shared.db');
  const [a, b] = await Promise.all([0, 1].map(() => spawnCollector(['--port', '0', '--db', db])));
  nodes.push(a!, b!);
  const agents = [a!, b!, a!, b!].map(async (node, i) => {
    const run = `agent-${i}`;
    const sink = new SocketIoSink({ url: node.url, ackTimeoutMs: 5000, closeTimeoutMs: 60_000 });
    const tracer = new Tracer({
      run,
      sinks: [{ sink, timeoutMs: 60_000 }],
      batchSize: 20,
      flushIntervalMs: 1,
    });
    tracer.emit({ type: 'run.start', agent: `agent ${i}`, mode: 'causal' });
    for (let turn = 1; turn < EVENTS - 1; turn++) {
      tracer.emit({ type: 'llm.request', turn });
      // Yield now and then so the four agents' batches interleave on both nodes.
      if (turn % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    tracer.emit({ type: 'run.end', status: 'ok' });
    // Resolves only when every event was acked: a refusal would reject with a TraceSinkError.
    await tracer.close();
    return run;
  });
  const runs = await Promise.all(agents);
  for (const run of runs) {
    for (const node of [a!, b!]) {
      const read = readTraceText(await (await fetch(`${node.url}/api/runs/${run}/events`)).text());
      expect(read.errors).toEqual([]);
      expect(read.duplicates).toBe(0);
      expect(read.runs.get(run)?.map((e) => e.seq)).toEqual(Array.from({ length: EVENTS }, (_, s) => s));
    }
  }
}, 120_000);
