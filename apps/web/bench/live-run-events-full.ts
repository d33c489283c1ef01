// The web worker's live path before issue 15.5, kept as the live benchmark's baseline only (never in
// the app; built in by baseline.vite.config.ts): every flush sorts every held event and rebuilds,
// analyzes and lays out the whole run. Same API as src/model/live-run-events.ts.
import { analyzeModel, buildRunModel, type RunModel } from '@causelane/analysis';
import { type TraceEvent, validateEvent } from '@causelane/trace-schema';
import { evidenceOfEvents } from '../src/model/run-evidence.ts';
import { buildTimelineColumns, type TimelineColumns } from '../src/model/timeline-columns.ts';

export class LiveRunEvents {
  private bySeq = new Map<number, TraceEvent>();

  constructor(readonly run: string) {}

  apply(incoming: readonly unknown[], reset: boolean): boolean {
    const known = reset ? new Map<number, TraceEvent>() : this.bySeq;
    let added = 0;
    for (const value of incoming) {
      const res = validateEvent(value);
      if (!res.ok || res.event.run !== this.run || known.has(res.event.seq)) continue;
      known.set(res.event.seq, res.event);
      added++;
    }
    this.bySeq = known;
    return added > 0 || reset;
  }

  sorted(): TraceEvent[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  get size(): number {
    return this.bySeq.size;
  }

  columns(): { model: RunModel; cols: TimelineColumns } {
    const events = this.sorted();
    const model = buildRunModel(this.run, events);
    const cols = buildTimelineColumns(model, analyzeModel(model));
    cols.evidence = evidenceOfEvents(events);
    return { model, cols };
  }
}
