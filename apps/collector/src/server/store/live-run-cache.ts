// The RunAnalyzer's in-memory analyses of growing runs, so the next analysis of a run reads and
// analyzes only the events stored since (IncrementalAnalysis). Least recently used runs are dropped
// once the held events pass a bound. An entry is only a shortcut, checked before each use: when the
// store may hold anything else than it plus the new events, the whole run is read again.
import { IncrementalAnalysis, type Severity } from '@causelane/analysis';
import type { TraceEvent } from '@causelane/trace-schema';

/** What the host read: the run row's event count and `created`, and events in seq order. */
export interface LoadedRun {
  count: number;
  created: number;
  events: TraceEvent[];
}

export interface RunLoader {
  /** The run's stored event count (its summary row) and its events, or null when it is gone. */
  load(run: string): Promise<LoadedRun | null>;
  /**
   * As `load`, but only the events with a seq above `afterSeq`, read in one snapshot with the
   * count. Without it every analysis reads the whole run.
   */
  loadAfter?(run: string, afterSeq: number): Promise<LoadedRun | null>;
}

interface CachedRun {
  analysis: IncrementalAnalysis;
  /** The run row's `created` when the events were read: a run deleted and made again has another. */
  created: number;
}

export class LiveRunCache {
  /** Analyses that read the whole run, and those that read only new events. */
  readonly stats = { full: 0, incremental: 0 };
  private readonly runs = new Map<string, CachedRun>();
  private held = 0;
  private closed = false;
  /** The run being analyzed, and whether a write invalidated it meanwhile. */
  private current: { run: string; dropped: boolean } | null = null;

  constructor(readonly maxEvents: number) {}

  has(run: string): boolean {
    return this.runs.has(run);
  }

  /** A write may have rewritten the run's stored events: forget its analysis (even one in flight). */
  invalidate(run: string): void {
    this.delete(run);
    if (this.current?.run === run) this.current.dropped = true;
  }

  clear(): void {
    this.closed = true;
    this.runs.clear();
    this.held = 0;
  }

  /** Events held over all runs. */
  get size(): number {
    return this.held;
  }

  /**
   * The run's anomaly counts at its stored event count (null when it is gone). A cached analysis is
   * fed the events after its last seq when they account for every stored event: the row is the same
   * one (`created`), no write invalidated it during the read, and the count adds up (no event below
   * its last seq came meanwhile, say through another collector). Otherwise the whole run is read.
   */
  async analyze(
    host: RunLoader,
    run: string,
  ): Promise<{ count: number; counts: Record<Severity, number> } | null> {
    const current = { run, dropped: false };
    this.current = current;
    try {
      const held = host.loadAfter ? this.runs.get(run) : undefined;
      if (held) {
        this.delete(run);
        const events = held.analysis.events;
        const loaded = await host.loadAfter!(run, events[events.length - 1]?.seq ?? -1);
        if (!loaded) return null;
        if (
          !current.dropped &&
          loaded.created === held.created &&
          events.length + loaded.events.length === loaded.count
        ) {
          held.analysis.add(loaded.events.map(analysisEvent));
          this.stats.incremental++;
          return this.keep(host, run, held, loaded.count);
        }
      }
      current.dropped = false;
      const loaded = await host.load(run);
      if (!loaded) return null;
      this.stats.full++;
      const analysis = new IncrementalAnalysis(run, loaded.events.map(analysisEvent));
      return this.keep(host, run, { analysis, created: loaded.created }, loaded.count);
    } finally {
      this.current = null;
    }
  }

  /** Caches the analysis unless a write invalidated the run while it was read. */
  private keep(host: RunLoader, run: string, entry: CachedRun, count: number) {
    if (host.loadAfter && !this.current!.dropped) this.put(run, entry);
    return { count, counts: entry.analysis.summary().anomalies };
  }

  /** Keeps the entry as the most recently used, dropping the least recent ones past the bound. */
  private put(run: string, entry: CachedRun): void {
    const n = entry.analysis.events.length;
    if (this.closed || n > this.maxEvents) return;
    this.runs.set(run, entry);
    this.held += n;
    for (const old of this.runs.keys()) {
      if (this.held <= this.maxEvents) break;
      this.delete(old);
    }
  }

  private delete(run: string): void {
    const e = this.runs.get(run);
    if (!e) return;
    this.runs.delete(run);
    this.held -= e.analysis.events.length;
  }
}

/**
 * What analysis reads of a stored event: the payloads (args, result, error, meta) are dropped, so
 * a cached run holds its structure only. Counts never depend on them.
 */
export function analysisEvent(e: TraceEvent): TraceEvent {
  const {
    result: _r,
    error: _e,
    meta: _m,
    ...rest
  } = e as TraceEvent & {
    result?: unknown;
    error?: unknown;
    meta?: unknown;
  };
  if (rest.type === 'llm.response')
    return { ...rest, calls: rest.calls.map((c) => ({ id: c.id, name: c.name })) };
  return rest as TraceEvent;
}
