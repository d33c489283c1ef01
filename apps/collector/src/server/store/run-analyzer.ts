// Keeps the anomaly counts of run summaries current without the run list ever reading events: a
// small run that grew enough is analyzed inside the batch's own transaction (no extra commit), a
// large one in the background after it, on a schedule that bounds the total work (see `touched`);
// background counts are written back only if the run did not change meanwhile. A growing run's
// analysis stays in memory (LiveRunCache), so the next one reads and analyzes only the new events.
import { analyzeRuns } from '@causelane/analysis';
import type { TraceEvent } from '@causelane/trace-schema';
import type { StoreLog } from './event-store.ts';
import { LiveRunCache, type RunLoader } from './live-run-cache.ts';

export type { LoadedRun } from './live-run-cache.ts';

export interface AnalyzerHost extends RunLoader {
  /** Writes the counts if the run still holds `count` events. */
  save(
    run: string,
    count: number,
    anomalies: { error: number; warning: number; info: number },
  ): Promise<void>;
}

/** A run a transaction wrote: its event count after the write, and the count last analyzed (-1: never). */
export interface Touch {
  run: string;
  events: number;
  analyzed: number;
  /** The write held the run's run.end. */
  ended: boolean;
}

export type AnomalyCounts = { error: number; warning: number; info: number };

/** Anomaly counts of one run's events (sorted by seq). */
export function countAnomalies(run: string, events: readonly TraceEvent[]): AnomalyCounts {
  return (
    analyzeRuns(new Map([[run, events as TraceEvent[]]])).runs[0]?.anomalies ?? {
      error: 0,
      warning: 0,
      info: 0,
    }
  );
}

/** The last touch of each run, in first-touch order. */
export function lastTouches(touches: readonly Touch[]): Touch[] {
  const by = new Map<string, Touch>();
  for (const t of touches) by.set(t.run, t);
  return [...by.values()];
}

export interface AnalyzerOptions {
  /** Runs up to this many events are analyzed inside the write transaction. */
  inlineMax?: number;
  /** A run that stopped growing is analyzed this long after its last batch. */
  quietMs?: number;
  /** Events of growing runs kept analyzed in memory, over all runs (least recently used go first). */
  cacheEvents?: number;
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

/**
 * Events the in-memory analyses of growing runs may hold in all: CAUSELANE_ANALYSIS_CACHE_EVENTS, or
 * 500k. 0 turns them off: every analysis then reads the whole run, on the geometric
 * schedule alone (the live benchmark's baseline).
 */
function cacheBound(): number {
  const v = process.env.CAUSELANE_ANALYSIS_CACHE_EVENTS;
  const n = v === undefined || v.trim() === '' ? Number.NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 500_000;
}

/** Share of the time a growing run may spend being analyzed: the next one waits 20x the last one. */
const DUTY = 20;
/** A run that keeps growing is analyzed again at the latest after this long (or DUTY x its cost). */
const MAX_STALE_MS = 2000;
/** The longest rest between two background analyses. */
const MAX_REST_MS = 30_000;

export class RunAnalyzer {
  private readonly runs = new Map<string, RunState>();
  private readonly queue = new Set<string>();
  private draining: Promise<void> | null = null;
  private readonly inlineMax: number;
  private readonly quietMs: number;
  private readonly now: () => number;
  private closed = false;
  private flushing = false;
  /** Ends the queue's current rest early (idle() and close() do). */
  private wake: (() => void) | null = null;
  private readonly cache: LiveRunCache;

  constructor(
    private readonly host: AnalyzerHost,
    private readonly log: StoreLog,
    opts: AnalyzerOptions = {},
  ) {
    this.inlineMax = opts.inlineMax ?? 1000;
    this.quietMs = opts.quietMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.cache = new LiveRunCache(opts.cacheEvents ?? cacheBound());
  }

  /**
   * Geometric growth keeps the total work linear in a run's size; a first look or a run.end is always
   * due. In the background, a run analyzed in memory is due on any growth: only the new events cost.
   */
  private due(t: Touch, background = false): boolean {
    const analyzed = Math.max(t.analyzed, this.runs.get(t.run)?.analyzed ?? -1);
    if (background && analyzed >= 0 && t.events > analyzed && this.cache.has(t.run)) return true;
    return analyzed < 0 || t.ended || t.events >= analyzed * 1.25;
  }

  /**
   * A write that left the run unanalyzed (-1: new, or its events replaced) may have rewritten what a
   * cached analysis holds: it is dropped, and the next analysis reads the whole run.
   */
  private invalidate(run: string, analyzed: number): void {
    if (analyzed < 0) this.cache.invalidate(run);
  }

  /** Analyses that read the whole run, and those that read only new events (for tests and benches). */
  get stats(): { full: number; incremental: number } {
    return this.cache.stats;
  }

  /** The runs of a transaction to analyze inside it, before COMMIT: small ones that are due. */
  inlineRuns(touches: readonly Touch[]): string[] {
    return lastTouches(touches)
      .filter((t) => t.events <= this.inlineMax && t.events !== t.analyzed && this.due(t))
      .map((t) => t.run);
  }

  /** After COMMIT: the runs analyzed inline are current, the others are scheduled. */
  committed(touches: readonly Touch[], inline: ReadonlySet<string>): void {
    for (const t of lastTouches(touches)) {
      this.invalidate(t.run, t.analyzed);
      if (inline.has(t.run)) this.forget(t.run);
      else void this.touched(t.run, t.events, t.analyzed, t.ended);
    }
  }

  /**
   * The run now holds `events` events, of which `analyzed` were analyzed (-1 when never): analyzes
   * it in the background when due, or sets a timer so the last events are analyzed too.
   */
  touched(run: string, events: number, analyzed: number, ended: boolean): void {
    if (this.closed) return;
    this.invalidate(run, analyzed);
    let s = this.runs.get(run);
    if (!s) {
      s = { analyzed, events, lastAt: 0, lastMs: 0, timer: null };
      this.runs.set(run, s);
    }
    s.events = events;
    s.analyzed = Math.max(s.analyzed, analyzed);
    if (s.analyzed === s.events) {
      this.forget(run);
      return;
    }
    const now = this.now();
    const due = this.due({ run, events, analyzed, ended }, true);
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
    this.flushing = true;
    this.wake?.();
    for (const [run, s] of this.runs) {
      if (!s.timer) continue;
      clearTimeout(s.timer);
      s.timer = null;
      this.queue.add(run);
    }
    this.kick();
    try {
      while (this.draining) await this.draining;
    } finally {
      this.flushing = false;
    }
  }

  close(): void {
    this.closed = true;
    this.wake?.();
    for (const s of this.runs.values()) if (s.timer) clearTimeout(s.timer);
    this.runs.clear();
    this.queue.clear();
    this.cache.clear();
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
        const started = performance.now();
        await this.analyze(run);
        // All background analysis together gets at most 1/DUTY of the time: after an analysis that
        // took d ms the queue rests (DUTY - 1) x d (not when a caller waits in idle()).
        const rest = this.flushing ? 0 : Math.min(MAX_REST_MS, (performance.now() - started) * (DUTY - 1));
        await new Promise<void>((r) => {
          if (rest <= 0) return setImmediate(r);
          const timer = setTimeout(() => this.wake?.(), rest);
          timer.unref();
          this.wake = () => {
            clearTimeout(timer);
            this.wake = null;
            r();
          };
        });
      }
    })().finally(() => {
      this.draining = null;
    });
  }

  private async analyze(run: string): Promise<void> {
    const started = this.now();
    try {
      const done = await this.cache.analyze(this.host, run);
      if (!done) return this.forget(run);
      await this.host.save(run, done.count, done.counts);
      const s = this.runs.get(run);
      if (!s) return;
      s.analyzed = Math.max(s.analyzed, done.count);
      s.lastAt = this.now();
      s.lastMs = s.lastAt - started;
      if (s.analyzed >= s.events && !s.timer) this.forget(run);
    } catch (err) {
      this.cache.invalidate(run);
      this.log.error(
        `run summary of ${JSON.stringify(run.slice(0, 200))} not updated: ${(err as Error).message}`,
      );
      this.forget(run);
    }
  }
}
