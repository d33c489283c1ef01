// Live import of GenAI spans that arrive one by one (an OTel SpanProcessor, OTLP batches): holds
// each run's spans, re-maps the run when it grows, and releases only the events that can no
// longer change, so every seq is sent once and never rewritten.
import type { TraceEvent } from '@causelane/trace-schema';
import type { GenAiSpan } from './genai-span.ts';
import { heldRunJoinedBy } from './run-placement.ts';
import { spansToEvents } from './spans-to-events.ts';

interface RunState {
  spans: GenAiSpan[];
  emitted: number;
  dirty: boolean;
}

export class IncrementalSpanImporter {
  private readonly runs = new Map<string, RunState>();
  /**
   * trace id to run, fixed once the trace's first span is placed: its conversation, else the held
   * run it continues (agents without a root span), else its own.
   */
  private readonly runOfTrace = new Map<string, string>();

  constructor(private readonly source = 'otel-bridge') {}

  add(span: GenAiSpan): void {
    const run =
      span.conversationId ??
      this.runOfTrace.get(span.traceId) ??
      heldRunJoinedBy(span, new Map([...this.runs].map(([r, s]) => [r, s.spans]))) ??
      span.traceId;
    if (!this.runOfTrace.has(span.traceId)) this.runOfTrace.set(span.traceId, run);
    let state = this.runs.get(run);
    if (!state) {
      state = { spans: [], emitted: 0, dirty: false };
      this.runs.set(run, state);
    }
    state.spans.push(span);
    state.dirty = true;
  }

  /**
   * Events that are now final: everything before `watermark` (the start of the oldest GenAI span
   * still open, in ms; nothing open means Infinity), in seq order, each run's continuing its own.
   */
  drain(watermark = Infinity): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (const [run, state] of this.runs) {
      if (!state.dirty) continue;
      // Agent spans only name the agent: a run starts with its first model call or tool.
      if (state.spans.every((s) => s.kind === 'agent')) continue;
      const events = spansToEvents(run, state.spans, { source: this.source });
      let end = state.emitted;
      while (end < events.length && events[end]!.t < watermark) end++;
      for (let i = state.emitted; i < end; i++) out.push(events[i]!);
      state.emitted = end;
      state.dirty = end < events.length;
    }
    return out;
  }

  /** Events held back, waiting for open spans. */
  get pendingRuns(): number {
    let n = 0;
    for (const s of this.runs.values()) if (s.dirty) n++;
    return n;
  }
}
