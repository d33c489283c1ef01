// run:watch on a big run against a real collector: the history comes a page at a time (the ack holds
// the first), live events committed meanwhile follow it with no gap and no repeat, the event loop
// stays free while several viewers join, and run:changed carries the run's summary row.
import type { RunChangedMessage, TraceEvent, WatchAck } from '@causelane/trace-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IngestClient,
  startTestCollector,
  type TestCollector,
  type UiClient,
} from '../../testing/test-collector.ts';

const stream = (run: string, from: number, n: number): TraceEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    v: 1,
    run,
    seq: from + i,
    t: 1_760_000_000_000 + from + i,
    type: 'llm.request',
    turn: from + i + 1,
  }));

/** Everything a viewer receives for one run: the ack's history, then run:events, in arrival order. */
async function watchAll(ui: UiClient, run: string) {
  const seqs: number[] = [];
  let messages = 0;
  /** Events that came after the `synced` marker (live). */
  let syncedAt = -1;
  ui.on('run:events', (m) => {
    if (m.run !== run) return;
    messages++;
    if (m.synced) syncedAt = seqs.length;
    for (const e of m.events) seqs.push(e.seq);
  });
  const ack = (await ui.timeout(20_000).emitWithAck('run:watch', { run })) as WatchAck;
  if (!ack.ok) throw new Error(ack.error);
  const first = ack.events.map((e) => e.seq);
  return {
    first,
    more: ack.more,
    synced: () => syncedAt,
    seqs: () => [...first, ...seqs],
    messages: () => messages,
  };
}

describe('run:watch history in pages', () => {
  let c: TestCollector;
  let agent: IngestClient;
  const TOTAL = 40_000;
  beforeAll(async () => {
    c = await startTestCollector({ limits: { eventsPerSecond: 10_000_000 } });
    agent = await c.ingestClient();
    for (let i = 0; i < TOTAL; i += 5000)
      await agent.timeout(20_000).emitWithAck('events', { batch: i, events: stream('big', i, 5000) });
  }, 60_000);
  afterAll(() => c.dispose());

  it('sends the first page in the ack and the rest as run:events, while live events keep coming, each exactly once', async () => {
    const viewers = await Promise.all([c.uiClient(), c.uiClient(), c.uiClient(), c.uiClient()]);
    // Live batches race the history on every viewer.
    let next = TOTAL;
    const live = (async () => {
      for (let k = 0; k < 40; k++) {
        await agent
          .timeout(5000)
          .emitWithAck('events', { batch: 10_000 + k, events: stream('big', next, 25) });
        next += 25;
      }
    })();
    const watches = await Promise.all(viewers.map((v) => watchAll(v, 'big')));
    await live;
    const all = Array.from({ length: next }, (_, i) => i);
    for (const w of watches) {
      expect(w.first.length).toBeGreaterThan(0);
      expect(w.first.length).toBeLessThan(TOTAL);
      // The ack says more follows; the marker says the history (and what was held meanwhile) is all in.
      expect(w.more).toBe(true);
      await expect.poll(() => w.synced(), { timeout: 20_000 }).toBeGreaterThanOrEqual(TOTAL - w.first.length);
      await expect.poll(() => w.seqs().length, { timeout: 20_000 }).toBe(next);
      expect([...w.seqs()].sort((a, b) => a - b)).toEqual(all);
      expect(w.messages()).toBeGreaterThan(1);
    }
  }, 60_000);

  it('keeps every step small while four viewers take the whole history: no message over 1,000 events', async () => {
    const viewers = await Promise.all([c.uiClient(), c.uiClient(), c.uiClient(), c.uiClient()]);
    // The loop is free between slices; the slice bounds what one step parses and encodes. (A lag
    // probe in this process would also time the four clients' own parsing.)
    let biggest = 0;
    for (const v of viewers) v.on('run:events', (m) => (biggest = Math.max(biggest, m.events.length)));
    const watches = await Promise.all(viewers.map((v) => watchAll(v, 'big')));
    for (const w of watches) {
      await expect.poll(() => w.seqs().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(TOTAL);
      expect(w.first.length).toBeLessThanOrEqual(1000);
    }
    expect(biggest).toBeLessThanOrEqual(1000);
  }, 60_000);

  it('announces run changes with the run summary, so a list need not be fetched again', async () => {
    const ui = await c.uiClient();
    const changes: RunChangedMessage[] = [];
    ui.on('runs:changed', (m) => {
      if (m.run === 'announced-row') changes.push(m);
    });
    await agent.timeout(5000).emitWithAck('events', { batch: 1, events: stream('announced-row', 0, 3) });
    await expect.poll(() => changes.length).toBe(1);
    expect(changes[0]).toMatchObject({
      run: 'announced-row',
      change: 'created',
      item: { id: 'announced-row', events: 3 },
    });
  });
});
