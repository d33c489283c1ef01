// Runs teaching scenarios live inside the collector: the SDK's runScenario streams into an
// in-process sink that goes through the same IngestService as a socket batch, so browsers watch
// the run arrive over socket.io exactly as they would a remote agent's.
import { randomBytes } from 'node:crypto';
import type { ScenarioListItem, TraceEvent } from '@causelane/trace-schema';
import type { IngestService } from './ingest-service.ts';

type Mode = 'naive' | 'causal';

/** The slice of `@causelane/sdk` this module uses (its TraceSink is structurally the same). */
export interface ScenarioSdk {
  SCENARIOS: readonly {
    name: string;
    title: string;
    expects: readonly string[];
    explanation: string;
    mirrors: string;
  }[];
  runScenario(
    name: string,
    opts: { mode: Mode; seed: number; sinks: InProcessSink[]; run?: string },
  ): Promise<{ run: string; events: number }>;
}

export type ScenarioStart = { ok: true; run: string } | { ok: false; status: number; error: string };

export interface ScenarioHost {
  list(): ScenarioListItem[];
  /** Validates the request, starts the run in the background and answers its id at once. */
  start(name: string, body: unknown): ScenarioStart;
  /** Resolves when every scenario run started so far has finished. */
  idle(): Promise<void>;
}

/** A TraceSink that stores through the IngestService directly: no socket, same guarantees. */
export class InProcessSink {
  constructor(private readonly ingest: IngestService) {}

  async write(batch: readonly TraceEvent[]): Promise<{ stored: number; duplicates: number }> {
    const res = await this.ingest.ingestValues(batch);
    if (!res.ok) throw new Error(`collector refused a scenario batch: ${res.error}`);
    return { stored: res.stored, duplicates: res.duplicates };
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Scenario runs at once; more would let one client keep the collector busy. */
const MAX_CONCURRENT = 4;

export function createScenarioHost(
  sdk: ScenarioSdk | null,
  ingest: IngestService,
  log: { error(msg: string): void },
): ScenarioHost {
  const running = new Set<Promise<unknown>>();
  return {
    list: () =>
      (sdk?.SCENARIOS ?? []).map((s) => ({
        name: s.name,
        title: s.title,
        expects: [...s.expects],
        explanation: s.explanation,
        mirrors: s.mirrors,
      })),
    start(name, body) {
      if (!sdk) return { ok: false, status: 503, error: 'scenarios are not available in this build' };
      if (!sdk.SCENARIOS.some((s) => s.name === name)) {
        const known = sdk.SCENARIOS.map((s) => s.name).join(', ');
        return { ok: false, status: 404, error: `no scenario ${JSON.stringify(name)}; known: ${known}` };
      }
      const req = (typeof body === 'object' && body !== null ? body : {}) as {
        mode?: unknown;
        seed?: unknown;
      };
      if (req.mode !== 'naive' && req.mode !== 'causal') {
        return { ok: false, status: 400, error: 'field mode: must be "naive" or "causal"' };
      }
      if (req.seed !== undefined && !(Number.isSafeInteger(req.seed) && (req.seed as number) >= 0)) {
        return { ok: false, status: 400, error: 'field seed: must be an integer >= 0' };
      }
      if (running.size >= MAX_CONCURRENT) {
        return {
          ok: false,
          status: 429,
          error: `${MAX_CONCURRENT} scenario runs are in progress; try again shortly`,
        };
      }
      const seed = (req.seed as number | undefined) ?? randomBytes(4).readUInt32BE();
      const run = `${name}-${req.mode}-${seed}-${randomBytes(3).toString('hex')}`;
      const job = sdk
        .runScenario(name, { mode: req.mode, seed, sinks: [new InProcessSink(ingest)], run })
        .catch((err: Error) => log.error(`scenario ${name} (run ${run}) failed: ${err.message}`))
        .finally(() => running.delete(job));
      running.add(job);
      return { ok: true, run };
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
