import { createServer } from 'node:net';
import { analyzeEvents } from '@causelane/analysis';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MemorySink } from '../sinks/memory-sink.ts';
import { SocketIoSink } from '../sinks/socketio-sink.ts';
import type { TraceSink } from '../sinks/trace-sink.ts';
import { TraceSinkError } from '../tracer.ts';
import { SCENARIOS } from './catalog.ts';
import { runScenario, ScenarioFailedError } from './run-scenario.ts';

/** A loopback port nobody listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function trace(name: string, mode: 'naive' | 'causal', seed: number) {
  const sink = new MemorySink();
  const { run, events } = await runScenario(name, { mode, seed, sinks: [sink], virtual: true });
  expect(events).toBe(sink.events.length);
  expect(new Set(sink.events.map((e) => e.run))).toEqual(new Set([run]));
  return sink.events;
}

describe('teaching scenarios', () => {
  it('has at least 6, each with a name, title, explanation, report and expected anomalies', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(6);
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
    for (const s of SCENARIOS) {
      expect(s.name).toMatch(/^[a-z][a-z-]+$/);
      expect(s.title.length).toBeGreaterThan(5);
      expect(s.explanation.length).toBeGreaterThan(150);
      expect(s.mirrors.length).toBeGreaterThan(10);
      expect(s.expects.length).toBeGreaterThan(0);
    }
  });

  for (const s of SCENARIOS) {
    it(`${s.name}: naive mode provokes ${s.expects.join(', ')} for most seeds`, async () => {
      const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
      const hits = new Map<string, number>(s.expects.map((t) => [t, 0]));
      for (const seed of seeds) {
        const found = new Set(analyzeEvents(await trace(s.name, 'naive', seed)).anomalies.map((a) => a.type));
        for (const t of s.expects) if (found.has(t)) hits.set(t, hits.get(t)! + 1);
      }
      for (const [type, n] of hits)
        expect(n, `${type} in ${n}/${seeds.length} seeds`).toBeGreaterThan(seeds.length * 0.75);
    });

    it(`${s.name}: causal mode shows nothing above info, on any seed`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const bad = analyzeEvents(await trace(s.name, 'causal', seed)).anomalies.filter(
            (a) => a.severity !== 'info',
          );
          expect(bad).toEqual([]);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('replays exactly for one seed in virtual time', async () => {
    const strip = (events: Awaited<ReturnType<typeof trace>>) => events.map(({ run: _r, ...e }) => e);
    expect(strip(await trace('impatient-loop', 'naive', 5))).toEqual(
      strip(await trace('impatient-loop', 'naive', 5)),
    );
  });

  it('runs live on the real clock, sped up, within its simulated time budget', async () => {
    const sink = new MemorySink();
    const t0 = performance.now();
    await runScenario('read-write-race', { mode: 'causal', seed: 1, sinks: [sink], timeScale: 20 });
    const wall = performance.now() - t0;
    const span = sink.events.at(-1)!.t - sink.events[0]!.t;
    expect(span).toBeGreaterThan(300); // realistic simulated latency, so a browser can watch it arrive
    expect(span).toBeLessThan(3000);
    expect(wall).toBeLessThan(span); // and it really was sped up
  });

  it('finishes when the collector is unreachable, with every event in the other sinks', async () => {
    const memory = new MemorySink();
    const collector = new SocketIoSink({ url: `http://127.0.0.1:${await deadPort()}`, closeTimeoutMs: 100 });
    const err: unknown = await runScenario('read-write-race', {
      mode: 'causal',
      seed: 1,
      sinks: [collector, memory],
      virtual: true,
      closeSinks: true,
      flushTimeoutMs: 100,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceSinkError);
    const { failures, emitted } = err as TraceSinkError;
    expect(emitted).toBeGreaterThan(5);
    expect(memory.events).toHaveLength(emitted);
    expect(failures).toMatchObject([{ index: 0, unacknowledged: emitted }]);
    expect(collector.connected).toBe(false);
  });

  it('reports a failed scenario even when a sink failed too, with the sink failure as its cause', async () => {
    const scenario = SCENARIOS.find((s) => s.name === 'lost-update')!;
    const setup = scenario.setup.bind(scenario);
    // The model breaks on its first turn, so the agent run itself ends in error.
    const spy = vi.spyOn(scenario, 'setup').mockImplementation((world) => ({
      ...setup(world),
      plan: [
        () => {
          throw new Error('model exploded');
        },
      ],
    }));
    const broken: TraceSink = {
      write: async () => {
        throw new Error('disk full');
      },
      flush: async () => {},
      close: async () => {},
    };
    const memory = new MemorySink();
    try {
      const err: unknown = await runScenario('lost-update', {
        mode: 'naive',
        seed: 1,
        sinks: [broken, memory],
        virtual: true,
        closeSinks: true,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScenarioFailedError);
      expect((err as ScenarioFailedError).reason).toBe('model exploded');
      expect((err as Error).message).toMatch(
        /^scenario lost-update failed: model exploded; also, trace sink failed for run \S+: disk full/,
      );
      expect((err as Error).cause).toBeInstanceOf(TraceSinkError);
      expect(((err as Error).cause as TraceSinkError).failures).toMatchObject([{ index: 0 }]);
      expect(memory.events.at(-1)).toMatchObject({ type: 'run.end', status: 'error' });

      // Without a sink failure it is the scenario's error alone.
      const alone: unknown = await runScenario('lost-update', {
        mode: 'naive',
        seed: 1,
        sinks: [memory],
        virtual: true,
      }).catch((e: unknown) => e);
      expect((alone as Error).message).toBe('scenario lost-update failed: model exploded');
      expect((alone as Error).cause).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects an unknown scenario with a clear error', async () => {
    await expect(runScenario('nope', { mode: 'naive', seed: 1, sinks: [] })).rejects.toThrow(
      /unknown scenario "nope"; known: read-write-race/,
    );
  });
});
