// Keeps the anomaly counts of run summaries current without the run list ever reading events: after
// a commit the store tells the analyzer which runs grew; a small run is analyzed at once, a large one
// in the background, on a schedule that bounds the total work (see `due`), and the counts are written
// back only if the run did not change meanwhile.
import { analyzeRuns } from '@causelane/analysis';
import type { TraceEvent } from '@causelane/trace-schema';
import type { StoreLog } from './event-store.ts';

export interface AnalyzerHost {
  /** The run's stored event count (its summary row) and its events, or null when it is gone. */
  load(run: string): Promise<{ count: number; events: TraceEvent[] } | null>;
  /** Writes the counts if the run still holds `count` events. */
  save(run: string, count: number, anomalies: { error: number; warning: number; info: number }): Promise<void>;
}

export interface AnalyzerOptions {
  /** Runs up to this many events are analyzed before the commit's caller gets its answer. */
  inlineMax?: number;
  /** A run that stopped growing is analyzed this long after its last batch. */
  quietMs?: number;
  now?: () => number;
}

interface RunState {
  /** Event count at the last analysis (-1: never). */
  analyzed: number;
  /** Event count at the last commit seen. */
  events: number;
  lastAt: number;
  lastMs: number;
  timer: NodeJS.Timeout | null;
}

/** Share of the time a growing run may spend being analyzed: the next one waits 20x the last one. */
const DUTY = 20;
/** A run that keeps growing is analyzed again at the latest after this long (or DUTY x its cost). */
const MAX_STALE_MS = 2000;

export class RunAnalyzer {
  private readonly runs = new Map<string, RunState>();
  private readonly queue = new Set<string>();
  private draining: Promise<void> | null = null;
  private readonly inlineMax: number;
  private readonly quietMs: number;
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly host: AnalyzerHost,
    private readonly log: StoreLog,
    opts: AnalyzerOptions = {},
  ) {
    this.inlineMax = opts.inlineMax ?? 5000;
    this.quietMs = opts.quietMs ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Called after a commit: the run now holds `events` events, of which `analyzed` were analyzed
   * (-1 when never). Resolves once a small run's counts are current; a large one is queued.
   */
  async touched(run: string, events: number, analyzed: number, ended: boolean): Promise<void> {
    if (this.closed) return;
    let s = this.runs.get(run);
    if (!s) {
      s = { analyzed, events, lastAt: 0, lastMs: 0, timer: null };
      this.runs.set(run, s);
    }
    s.events = events;
    s.analyzed = Math.max(s.analyzed, analyzed);
    if (s.analyzed === s.events) return this.forget(run);
    const now = this.now();
    // Geometric growth keeps the total work linear in the run's size; the end of a run, or a
    // first look, is always worth an analysis.
    const due = s.analyzed < 0 || ended || s.events >= s.analyzed * 1.25;
    if (due && events <= this.inlineMax) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      await this.analyze(run);
      return;
    }
    const costWait = s.lastAt + DUTY * s.lastMs - now;
    const delay = due ? Math.max(0, costWait) : Math.max(costWait, Math.min(this.quietMs, MAX_STALE_MS));
    if (s.timer) {
      if (!due) return; // a trailing timer is already set
      clearTimeout(s.timer);
    }
    s.timer = setTimeout(() => {
      s.timer = null;
      this.enqueue(run);
    }, delay);
    s.timer.unref();
  }

  /** Resolves when every analysis scheduled so far (timers included) has run. */
  async idle(): Promise<void> {
    for (const [run, s] of this.runs) {
      if (!s.timer) continue;
      clearTimeout(s.timer);
      s.timer = null;
      this.queue.add(run);
    }
    this.kick();
    while (this.draining) await this.draining;
  }

  close(): void {
    this.closed = true;
    for (const s of this.runs.values()) if (s.timer) clearTimeout(s.timer);
    this.runs.clear();
    this.queue.clear();
  }

  private forget(run: string): void {
    const s = this.runs.get(run);
    if (s?.timer) clearTimeout(s.timer);
    this.runs.delete(run);
  }

  private enqueue(run: string): void {
    this.queue.add(run);
    this.kick();
  }

  private kick(): void {
    if (this.draining || this.queue.size === 0) return;
    this.draining = (async () => {
      while (this.queue.size > 0 && !this.closed) {
        const run = this.queue.values().next().value as string;
        this.queue.delete(run);
        await this.analyze(run);
        // Let sockets and requests in between two runs.
        await new Promise((r) => setImmediate(r));
      }
    })().finally(() => {
      this.draining = null;
    });
  }

  private async analyze(run: string): Promise<void> {
    const started = this.now();
    try {
      const loaded = await this.host.load(run);
      if (!loaded) return this.forget(run);
      const summary = analyzeRuns(new Map([[run, loaded.events]])).runs[0];
      const counts = summary?.anomalies ?? { error: 0, warning: 0, info: 0 };
      await this.host.save(run, loaded.count, counts);
      const s = this.runs.get(run);
      if (!s) return;
      s.analyzed = Math.max(s.analyzed, loaded.count);
      s.lastAt = this.now();
      s.lastMs = s.lastAt - started;
      if (s.analyzed >= s.events && !s.timer) this.forget(run);
    } catch (err) {
      this.log.error(`run summary of ${JSON.stringify(run.slice(0, 200))} not updated: ${(err as Error).message}`);
      this.forget(run);
    }
  }
}
