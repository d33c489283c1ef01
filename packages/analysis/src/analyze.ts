// Entry points: build each run's model, apply every rule, and summarise per run.
import type { EventColumns, TraceEvent } from '@causelane/trace-schema';
import { ANOMALY_TYPES, type Anomaly, type Severity } from './anomaly.ts';
import { buildRunModel, type RunModel } from './model.ts';
import { commitOrder, lateCommit, orphanedResult, prematureLlmCall, unmatchedResult } from './rules.ts';
import { races, staleRead } from './state-rules.ts';

export interface RunSummary {
  run: string;
  agent: string | null;
  mode: string | null;
  status: string | null;
  events: number;
  turns: number;
  calls: number;
  /** Wall-clock span, ms since the epoch. */
  start: number | null;
  end: number | null;
  anomalies: Record<Severity, number>;
}

export interface AnalysisReport {
  runs: RunSummary[];
  anomalies: Anomaly[];
}

const typeOrder = new Map<string, number>(ANOMALY_TYPES.map((t, i) => [t, i]));

/** Orders anomalies by where their proof starts, then by type: stable output for diffs and tests. */
export function compareAnomalies(a: Anomaly, b: Anomaly): number {
  return (
    (a.seqs[0] ?? 0) - (b.seqs[0] ?? 0) ||
    (a.seqs[a.seqs.length - 1] ?? 0) - (b.seqs[b.seqs.length - 1] ?? 0) ||
    typeOrder.get(a.type)! - typeOrder.get(b.type)! ||
    (a.call ?? '').localeCompare(b.call ?? '')
  );
}

export function analyzeModel(m: RunModel): Anomaly[] {
  const { anomalies: stale, staleKeys } = staleRead(m);
  const all = [
    ...prematureLlmCall(m),
    ...lateCommit(m),
    ...commitOrder(m),
    ...orphanedResult(m),
    ...stale,
    ...races(m, staleKeys),
    ...unmatchedResult(m),
  ];
  return all.sort(compareAnomalies);
}

export function summarize(m: RunModel, anomalies: readonly Anomaly[]): RunSummary {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const a of anomalies) counts[a.severity]++;
  return {
    run: m.run,
    agent: m.agent ?? null,
    mode: m.mode ?? null,
    status: m.status ?? null,
    events: m.source.length,
    turns: m.turns.length,
    calls: m.calls.length,
    start: m.startT ?? null,
    end: m.endT ?? null,
    anomalies: counts,
  };
}

/**
 * Analyzes runs whose events are each sorted by seq without repeats, as TraceReader.finish() (event
 * arrays) and CompactTraceReader.finish() (compact runs) return them.
 */
export function analyzeRuns(runs: ReadonlyMap<string, readonly TraceEvent[] | EventColumns>): AnalysisReport {
  const report: AnalysisReport = { runs: [], anomalies: [] };
  for (const [run, events] of runs) {
    const m = buildRunModel(run, events);
    const anomalies = analyzeModel(m);
    report.runs.push(summarize(m, anomalies));
    for (const a of anomalies) report.anomalies.push(a);
  }
  return report;
}

/** Analyzes loose events of any runs in any order (deduplicated by run and seq, keeping the first). */
export function analyzeEvents(events: Iterable<TraceEvent>): AnalysisReport {
  const runs = new Map<string, TraceEvent[]>();
  for (const e of events) {
    let list = runs.get(e.run);
    if (!list) {
      list = [];
      runs.set(e.run, list);
    }
    list.push(e);
  }
  for (const [run, list] of runs) {
    list.sort((a, b) => a.seq - b.seq);
    runs.set(
      run,
      list.filter((e, i) => i === 0 || list[i - 1]!.seq !== e.seq),
    );
  }
  return analyzeRuns(runs);
}
