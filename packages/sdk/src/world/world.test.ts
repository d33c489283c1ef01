import { seededRandom } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.ts';
import type { ToolContext } from '../tool.ts';
import { latency, sampleLatency } from './latency.ts';
import { VersionedStore } from './versioned-store.ts';

function ctxWith(min: number): ToolContext & { reads: unknown[]; writes: unknown[] } {
  const reads: unknown[] = [];
  const writes: unknown[] = [];
  return {
    turn: 1,
    call: 'c',
    signal: new AbortController().signal,
    minVersion: () => min,
    noteRead: (kv) => reads.push(kv),
    noteWrite: (kv) => writes.push(kv),
    answerAs: () => {},
    reads,
    writes,
  };
}

describe('VersionedStore', () => {
  it('bumps the version on each write and reads value with version', async () => {
    const clock = new VirtualClock();
    const store = new VersionedStore({ clock });
    const ctx = ctxWith(0);
    expect(store.write('k', 'a', ctx)).toBe(1);
    expect(store.write('k', 'b', ctx)).toBe(2);
    expect(await store.read('k', ctx)).toEqual({ value: 'b', version: 2 });
    expect(await store.read('missing')).toEqual({ value: undefined, version: 0 });
    expect(ctx.writes).toEqual([
      { key: 'k', version: 1 },
      { key: 'k', version: 2 },
    ]);
    expect(ctx.reads).toEqual([{ key: 'k', version: 2 }]);
  });

  it('serves stale data from a lagging replica, and waits when the caller needs its own write', async () => {
    const clock = new VirtualClock();
    const store = new VersionedStore({ clock, replicaLagMs: 300 });
    store.seed('k', 'old');
    await clock.run(async () => {
      await clock.sleep(1000);
      store.write('k', 'new');
      await clock.sleep(100);
      expect(await store.read('k')).toEqual({ value: 'old', version: 1 });
      const t0 = clock.now();
      expect(await store.read('k', ctxWith(2))).toEqual({ value: 'new', version: 2 });
      expect(clock.now() - t0).toBeGreaterThanOrEqual(200);
    });
  });
});

describe('latency distributions', () => {
  it('are seeded: the same seed draws the same latencies', () => {
    const draw = (seed: number) => {
      const r = seededRandom(seed);
      return [latency.uniform(10, 20), latency.longTail(100)].map((l) => sampleLatency(l, r));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('have the promised shapes', () => {
    const r = seededRandom(1);
    const uniform = Array.from({ length: 2000 }, () => sampleLatency(latency.uniform(10, 20), r));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThan(20);
    const tail = Array.from({ length: 2000 }, () => sampleLatency(latency.longTail(100), r)).sort(
      (a, b) => a - b,
    );
    expect(tail[1000]!).toBeGreaterThan(85);
    expect(tail[1000]!).toBeLessThan(115);
    expect(tail[1990]!).toBeGreaterThan(250); // the tail: p99.5 far above the median
    expect(sampleLatency(latency.fixed(42), r)).toBe(42);
    expect(sampleLatency(latency.hang(), r)).toBe(Number.POSITIVE_INFINITY);
    expect(sampleLatency(latency.hang(900), r)).toBe(900);
  });
});
