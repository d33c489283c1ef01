// The loaded file's runs inside the trace worker: each analyzed once, the active one before the first
// frame, the others by a background pass in file order that pauses between runs (or at once when one
// is opened); timeline columns are built only for a run the main thread opens.
import { type Anomaly, analyzeModel, buildRunModel, type RunModel } from '@causelane/analysis';
import type { CompactRun } from '@causelane/trace-schema';
import { countBySeverity } from '../../model/anomaly-filter.ts';
import type { LineStore } from '../../model/line-store.ts';
import { evidenceOfFile } from '../../model/run-evidence.ts';
import { buildTimelineColumns, type TimelineColumns } from '../../model/timeline-columns.ts';
import type { RunSummary, SummaryBatch } from '../worker-protocol.ts';

export interface AnalyzedRun {
  model: RunModel;
  anomalies: Anomaly[];
  summary: RunSummary;
}

export interface BackgroundOptions {
  /** Lets the worker answer queued requests; awaited between runs once a slice of work is spent. */
  pause: () => Promise<void>;
  /** Receives the counts of runs analyzed since the last batch; the last batch has done === total. */
  report: (batch: SummaryBatch) => void;
  /** True once a newer file replaced this one: the pass stops without a last batch. */
  stopped?: () => boolean;
  /** Work between pauses (default 8 ms) and between batches (default 100 ms). */
  sliceMs?: number;
  batchMs?: number;
  now?: () => number;
}

export class FileRuns {
  /** Every run of the file, in the order the file first names them. */
  readonly order: string[];
  private readonly analyzed = new Map<string, AnalyzedRun>();
  /** Summaries not yet reported, in the order the runs were analyzed. */
  private unreported: RunSummary[] = [];
  /** Position in `order` the background pass has reached. */
  private cursor = 0;

  constructor(
    private readonly compact: ReadonlyMap<string, CompactRun>,
    readonly lines: LineStore,
  ) {
    this.order = [...compact.keys()];
  }

  has(run: string): boolean {
    return this.compact.has(run);
  }

  /** The run's reader columns (a run this file does not hold throws). */
  compactOf(run: string): CompactRun {
    const c = this.compact.get(run);
    if (!c) throw new Error(`run ${JSON.stringify(run)} is not in this file`);
    return c;
  }

  /** Runs analyzed so far, out of `order.length`. */
  get done(): number {
    return this.analyzed.size;
  }

  isAnalyzed(run: string): boolean {
    return this.analyzed.has(run);
  }

  /** The run's model and anomalies: analyzed now, ahead of the background pass, if it has not been. */
  analyze(run: string): AnalyzedRun {
    const known = this.analyzed.get(run);
    if (known) return known;
    const model = buildRunModel(run, this.compactOf(run));
    const anomalies = analyzeModel(model);
    const summary: RunSummary = { run, ...countBySeverity(anomalies) };
    const out = { model, anomalies, summary };
    this.analyzed.set(run, out);
    this.unreported.push(summary);
    return out;
  }

  /** The run's timeline columns with the evidence notes of its run.start line. */
  columns(run: string): { model: RunModel; cols: TimelineColumns } {
    const { model, anomalies } = this.analyze(run);
    const compact = this.compactOf(run);
    const cols = buildTimelineColumns(model, anomalies);
    cols.evidence = evidenceOfFile(cols, (i) => this.lines.text(compact.line(i)));
    return { model, cols };
  }

  /** The next run the background pass takes: the first in file order not analyzed yet. */
  next(): string | undefined {
    while (this.cursor < this.order.length && this.analyzed.has(this.order[this.cursor]!)) this.cursor++;
    return this.order[this.cursor];
  }

  /** Analyzes every run not analyzed yet, in file order, reporting their counts in batches. */
  async analyzeRest(opts: BackgroundOptions): Promise<void> {
    const now = opts.now ?? (() => performance.now());
    const sliceMs = opts.sliceMs ?? 8;
    const batchMs = opts.batchMs ?? 100;
    let sliceStart = now();
    let lastReport = sliceStart;
    const report = () => {
      opts.report({ summaries: this.unreported, done: this.done, total: this.order.length });
      this.unreported = [];
      lastReport = now();
    };
    for (let run = this.next(); run !== undefined; run = this.next()) {
      if (opts.stopped?.()) return;
      this.analyze(run);
      const t = now();
      if (t - lastReport >= batchMs) report();
      if (t - sliceStart >= sliceMs) {
        await opts.pause();
        sliceStart = now();
      }
    }
    if (!opts.stopped?.()) report();
  }
}
