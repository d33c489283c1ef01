// The events held for a live run and their analysis, kept current as batches arrive: a batch that
// continues the run extends the model and re-checks only the turns it touched (IncrementalAnalysis),
// so a flush costs O(new events) in analysis. Repeats of a held seq (re-watch after a reconnect) are
// dropped; a reset replaces everything, since a re-derived run may reuse seqs.
import { IncrementalAnalysis, type RunModel } from '@causelane/analysis';
import { type TraceEvent, validateEvent } from '@causelane/trace-schema';
import { LiveTimelineColumns } from './live-timeline-columns.ts';
import { evidenceOfRunStart } from './run-evidence.ts';
import type { TimelineColumns } from './timeline-columns.ts';

export class LiveRunEvents {
  private analysis: IncrementalAnalysis;
  private readonly timeline = new LiveTimelineColumns();
  /** The first run.start's notes, searched for in events not scanned yet (per model). */
  private evidence = { model: null as RunModel | null, scanned: 0, notes: null as string[] | null };

  constructor(readonly run: string) {
    this.analysis = new IncrementalAnalysis(run);
  }

  /**
   * Takes a batch (the whole history when `reset`); events of other runs or that fail validation
   * are skipped. Returns whether what is held changed.
   */
  apply(incoming: readonly unknown[], reset: boolean): boolean {
    const valid: TraceEvent[] = [];
    for (const value of incoming) {
      const res = validateEvent(value);
      if (res.ok && res.event.run === this.run) valid.push(res.event);
    }
    if (reset) this.analysis = new IncrementalAnalysis(this.run);
    return this.analysis.add(valid) || reset;
  }

  /** The held events in seq order (a copy). */
  sorted(): TraceEvent[] {
    return this.analysis.events.slice();
  }

  get size(): number {
    return this.analysis.events.length;
  }

  /**
   * The run's model (updated in place by later batches) and its analysis as timeline columns, both
   * brought up to date in time proportional to what changed (LiveTimelineColumns).
   */
  columns(): { model: RunModel; cols: TimelineColumns } {
    const a = this.analysis;
    const cols = this.timeline.update(a.model, a.takeChangedTurns(), a.anomalies());
    cols.evidence = this.evidenceNotes();
    return { model: a.model, cols };
  }

  /** As evidenceOfEvents(events), scanning each event once while the model only grows. */
  private evidenceNotes(): string[] {
    const events = this.analysis.events;
    if (this.evidence.model !== this.analysis.model)
      this.evidence = { model: this.analysis.model, scanned: 0, notes: null };
    const cur = this.evidence;
    for (; cur.notes === null && cur.scanned < events.length; cur.scanned++) {
      const ev = events[cur.scanned]!;
      if (ev.type === 'run.start') cur.notes = evidenceOfRunStart(ev);
    }
    return cur.notes ? [...cur.notes] : [];
  }
}
