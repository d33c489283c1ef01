// RunAnalyzer over an in-memory host: a growing run's background analyses read and analyze only the
// new events, and fall back to the whole run whenever the cached analysis might not match the store.
import { synthesizeRun } from '@causelane/analysis/testing';
import type { TraceEvent } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { describeEachStore } from '../../testing/store-contract.ts';
import { insertEvents } from '../../testing/store-harness.ts';
import type { EventStore, StoreLog } from './event-store.ts';
import { type AnalyzerHost, type AnomalyCounts, countAnomalies, RunAnalyzer } from './run-analyzer.ts';

const SILENT: StoreLog = { info: () => {}, error: () => {} };

/** A store of runs: per run its row's `created` and its events by seq; counts what is read. */
class FakeStore {
  readonly rows = new Map<string, { created: number; events: Map<number, TraceEvent> }>();
  readonly saved = new Map<string, { count: number; counts: AnomalyCounts }>();
  /** Events handed out by each read: full loads and loads after a seq. */
  readonly reads: { kind: 'full' | 'after'; events: number }[] = [];
  /** Saves whose counts were not those of the events held at that moment. */
  readonly wrong: string[] = [];
  /** When set, loadAfter waits for it (to write while a read is in flight). */
  gate: Promise<void> | null = null;

  put(run: string, events: readonly TraceEvent[], created = 1): number {
    let row = this.rows.get(run);
    if (!row) {
      row = { created, events: new Map() };
      this.rows.set(run, row);
    }
    for (const e of events) if (!row.events.has(e.seq)) row.events.set(e.seq, e);
    return row.events.size;
  }

  sorted(run: string): TraceEvent[] {
    return [...this.rows.get(run)!.events.values()].sort((a, b) => a.seq - b.seq);
  }

  host(): AnalyzerHost {
    const read = (run: string, after: number, kind: 'full' | 'after') => {
      const row = this.rows.get(run);
      if (!row) return null;
      const events = this.sorted(run).filter((e) => e.seq > after);
      this.reads.push({ kind, events: events.length });
      return { count: row.events.size, created: row.created, events };
    };
    return {
      load: async (run) => read(run, -1, 'full'),
      loadAfter: async (run, after) => {
        if (this.gate) await this.gate;
        return read(run, after, 'after');
      },
      save: async (run, count, counts) => {
        if (this.rows.get(run)?.events.size !== count) return;
        this.saved.set(run, { count, counts });
        // What a store writes must always be right for what it holds at that moment.
        const want = countAnomalies(run, this.sorted(run));
        if (JSON.stringify(counts) !== JSON.stringify(want)) this.wrong.push(`${run}@${count}`);
      },
    };
  }
}

const run = (name: string, turns = 60) =>
  synthesizeRun({
    run: name,
    seed: 7,
    turns,
    maxCalls: 4,
    keys: 2,
    faults: ['stale-read', 'late-commit', 'rw-race', 'unmatched-result'],
  });

/** Stores the batch, tells the analyzer, waits for it; returns the counts it saved. */
async function write(
  store: FakeStore,
  analyzer: RunAnalyzer,
  name: string,
  batch: TraceEvent[],
  analyzed = 0,
) {
  const count = store.put(name, batch);
  analyzer.touched(name, count, analyzed, false);
  await analyzer.idle();
  expect(store.wrong).toEqual([]);
  return store.saved.get(name);
}

describe('RunAnalyzer with a cached analysis', () => {
  it('reads and analyzes only the new events of a growing run, with exactly the full counts', async () => {
    const store = new FakeStore();
    const analyzer = new RunAnalyzer(store.host(), SILENT);
    const events = run('g');
    expect(events.length).toBeGreaterThan(600);
    for (let at = 0; at < events.length; at += 100) {
      const saved = await write(store, analyzer, 'g', events.slice(at, at + 100));
      expect(saved).toEqual({
        count: store.sorted('g').length,
        counts: countAnomalies('g', store.sorted('g')),
      });
    }
    expect(store.saved.get('g')!.counts.error).toBeGreaterThan(0);
    expect(analyzer.stats.full).toBe(1);
    expect(analyzer.stats.incremental).toBe(Math.ceil(events.length / 100) - 1);
    expect(Math.max(...store.reads.filter((r) => r.kind === 'after').map((r) => r.events))).toBe(100);
  });

  it('reads the whole run again when another writer stored an event below the last seq it holds', async () => {
    const store = new FakeStore();
    const analyzer = new RunAnalyzer(store.host(), SILENT);
    const events = run('o');
    const late = events.filter((e) => e.seq >= 20 && e.seq < 30);
    const first = events.slice(0, 200).filter((e) => !late.includes(e));
    await write(store, analyzer, 'o', first);
    store.put('o', late); // another collector node: this analyzer is not told
    const saved = await write(store, analyzer, 'o', events.slice(200));
    expect(analyzer.stats).toEqual({ full: 2, incremental: 0 });
    expect(saved!.counts).toEqual(countAnomalies('o', events));
  });

  it('reads the whole run again when the run was deleted and made again, even at the same count', async () => {
    const store = new FakeStore();
    const analyzer = new RunAnalyzer(store.host(), SILENT);
    const events = run('d');
    await write(store, analyzer, 'd', events.slice(0, 300));
    // Another node deleted the run and an agent wrote a clean one of the same id: 300 events again.
    const clean = synthesizeRun({ run: 'd', seed: 8, turns: 60, maxCalls: 4, keys: 2 });
    store.rows.set('d', { created: 2, events: new Map(clean.slice(0, 290).map((e) => [e.seq, e])) });
    const saved = await write(store, analyzer, 'd', clean.slice(290, 300));
    expect(analyzer.stats.full).toBe(2);
    expect(saved!.counts).toEqual(countAnomalies('d', clean.slice(0, 300)));
  });

  it('drops the cached analysis on a write that left the run unanalyzed (its events replaced)', async () => {
    const store = new FakeStore();
    const analyzer = new RunAnalyzer(store.host(), SILENT);
    await write(store, analyzer, 'r', run('r').slice(0, 300));
    const clean = synthesizeRun({ run: 'r', seed: 9, turns: 60, maxCalls: 4, keys: 2 }).slice(0, 300);
    store.rows.get('r')!.events = new Map(clean.map((e) => [e.seq, e]));
    // Same count and created, new content: only the touch's analyzed = -1 says so.
    const saved = await write(store, analyzer, 'r', [], -1);
    expect(analyzer.stats.full).toBe(2);
    expect(saved!.counts).toEqual(countAnomalies('r', clean));
  });

  it('does not use an analysis whose run was replaced while it was being read', async () => {
    const store = new FakeStore();
    const analyzer = new RunAnalyzer(store.host(), SILENT);
    const events = run('f');
    await write(store, analyzer, 'f', events.slice(0, 300));
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    store.put('f', events.slice(300, 320));
    analyzer.touched('f', 320, 300, false);
    await new Promise((r) => setTimeout(r, 20));
    // A replace commits while the new events are read: same count and created, other content.
    const clean = synthesizeRun({ run: 'f', seed: 9, turns: 60, maxCalls: 4, keys: 2 }).slice(0, 320);
    store.rows.get('f')!.events = new Map(clean.map((e) => [e.seq, e]));
    analyzer.touched('f', 320, -1, false);
    store.gate = null;
    open();
    await analyzer.idle();
    expect(store.wrong).toEqual([]);
    expect(analyzer.stats.full).toBe(2);
    expect(store.saved.get('f')!.counts).toEqual(countAnomalies('f', clean));
    expect(store.saved.get('f')!.counts).not.toEqual(countAnomalies('f', events.slice(0, 320)));
  });

  it('holds at most cacheEvents events, dropping the least recently analyzed run first', async () => {
    const store = new FakeStore();
    const analyzer = new RunAnalyzer(store.host(), SILENT, { cacheEvents: 1000 });
    const a = run('a');
    const b = run('b');
    await write(store, analyzer, 'a', a.slice(0, 600));
    await write(store, analyzer, 'b', b.slice(0, 600));
    await write(store, analyzer, 'b', b.slice(600, 650));
    expect(analyzer.stats).toEqual({ full: 2, incremental: 1 });
    const saved = await write(store, analyzer, 'a', a.slice(600, 650));
    expect(analyzer.stats).toEqual({ full: 3, incremental: 1 });
    expect(saved!.counts).toEqual(countAnomalies('a', a.slice(0, 650)));
  });
});

describeEachStore('live run summaries', ({ open, opened }) => {
  it('stay exact while a run streams to two collectors, one of them restarted mid-run', async () => {
    const a = await open();
    const b = await opened().reopen();
    const events = run('live', 400);
    expect(events.length).toBeGreaterThan(3000);
    // Some events reach node B only later (seqs below what the others analyzed), as after a failover.
    const late = (e: TraceEvent) => e.seq % 97 === 5;
    const stored: TraceEvent[] = [];
    const put = async (store: EventStore, batch: TraceEvent[]) => {
      await insertEvents(store, batch);
      stored.push(...batch);
    };
    let node = a;
    const incremental = () => (node as unknown as { analyzer: RunAnalyzer }).analyzer.stats.incremental;
    for (let at = 0, k = 0; at < events.length; at += 250, k++) {
      if (k === 6) {
        await a.close();
        node = await opened().reopen();
      }
      const batch = events.slice(at, at + 250).filter((e) => !late(e));
      await put(k % 3 === 2 ? b : node, batch);
      const last = at + 250 >= events.length;
      if (k === 8 || last)
        await put(
          b,
          events.filter((e) => late(e) && (last || e.seq < at) && !stored.includes(e)),
        );
      for (const s of [node, b]) await s.summariesIdle();
      const held = [...stored].sort((x, y) => x.seq - y.seq);
      for (const s of [node, b]) {
        const row = (await s.getRun('live'))!;
        expect(row.events).toBe(held.length);
        expect(row.anomalies).toEqual(countAnomalies('live', held));
      }
    }
    expect(stored).toHaveLength(events.length);
    expect((await node.getRun('live'))!.anomalies.error).toBeGreaterThan(0);
    expect(incremental()).toBeGreaterThan(0);
  });
});
