// Anomaly reports of stored runs, kept per run and event count: the same run is analyzed once per
// change, not once per request, and concurrent requests for it share one analysis. An entry is
// dropped when the fan-out reports a change of its run (a reset can keep the count).
import type { AnalysisReport } from '@causelane/analysis';

interface Entry {
  events: number;
  report: Promise<AnalysisReport>;
}

export class AnomalyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxRuns = 64) {}

  /** The report for `run` at `events` events, computing it with `analyze` when not held. */
  get(run: string, events: number, analyze: () => Promise<AnalysisReport>): Promise<AnalysisReport> {
    const hit = this.entries.get(run);
    if (hit && hit.events === events) {
      // Most recently used last, so the oldest entry is the first to go.
      this.entries.delete(run);
      this.entries.set(run, hit);
      return hit.report;
    }
    const report = analyze();
    const entry = { events, report };
    this.entries.delete(run);
    this.entries.set(run, entry);
    report.catch(() => {
      if (this.entries.get(run) === entry) this.entries.delete(run);
    });
    while (this.entries.size > this.maxRuns) this.entries.delete(this.entries.keys().next().value!);
    return report;
  }

  invalidate(run: string): void {
    this.entries.delete(run);
  }
}
