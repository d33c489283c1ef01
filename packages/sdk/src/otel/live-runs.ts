// The OTel bridge's runs: the GenAI spans that ended so far, re-mapped by the OTLP importer's
// assembler whenever one grows, and released only up to where no open span can still change them,
// so every event is sent once, in seq order. A change to an event already sent is reported.
import { assembleRun, type ChatSpan, type GenAiSpan, heldRunJoinedBy } from '@causelane/importers';
import type { TraceEvent } from '@causelane/trace-schema';

interface RunState {
  spans: GenAiSpan[];
  traces: Set<string>;
  /** Sent events by identity (type, turn, call), and as JSON to spot a later change. */
  sentKeys: Map<string, string>;
  sent: number;
  dirty: boolean;
  diverged: boolean;
}

export interface LiveWindow {
  /** Start of the oldest open span that may still add events to a run over these traces. */
  watermark(traces: ReadonlySet<string>): number;
  /** Whether a model-call span started at or after `ms` is still open. */
  chatStartedSince(ms: number): boolean;
}

const INFERRED_NOTE = /^model calls recorded without their tool calls/;

function identity(e: TraceEvent): string {
  const turn = 'turn' in e ? e.turn : '';
  const call = 'call' in e ? e.call : '';
  return `${e.type}|${e.type.startsWith('tool.') ? '' : turn}|${call}`;
}

/** The event without what the bridge re-stamps (seq) or cannot know yet (run.start's meta). */
function content(e: TraceEvent): string {
  const { seq: _seq, ...rest } = e;
  if (rest.type === 'run.start') delete (rest as { meta?: unknown }).meta;
  return JSON.stringify(rest);
}

export class LiveRuns {
  private readonly runs = new Map<string, RunState>();
  /**
   * trace id to run, fixed once the trace's first span is placed: its conversation, else the run it
   * continues (agents without a root span, as the file import chains them), else its own.
   */
  private readonly runOfTrace = new Map<string, string>();

  constructor(
    private readonly source: string,
    private readonly onChange: (run: string, message: string) => void,
  ) {}

  add(span: GenAiSpan): void {
    const run =
      span.conversationId ??
      this.runOfTrace.get(span.traceId) ??
      heldRunJoinedBy(span, new Map([...this.runs].map(([r, st]) => [r, st.spans]))) ??
      span.traceId;
    if (!this.runOfTrace.has(span.traceId)) this.runOfTrace.set(span.traceId, run);
    let state = this.runs.get(run);
    if (!state) {
      state = { spans: [], traces: new Set(), sentKeys: new Map(), sent: 0, dirty: false, diverged: false };
      this.runs.set(run, state);
    }
    state.spans.push(span);
    state.traces.add(span.traceId);
    state.dirty = true;
  }

  /** Events that are now final, per run in seq order; `final` releases everything (flush). */
  drain(window: LiveWindow, final = false): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (const [run, state] of this.runs) {
      if (!state.dirty) continue;
      // Agent spans only name the agent: a run starts with its first model call or tool.
      if (state.spans.every((s) => s.kind === 'agent')) continue;
      const { events, evidence } = assembleRun(run, state.spans, { source: this.source });
      const w = final ? Infinity : this.limitOf(state, window, evidence);
      let held = false;
      for (const e of events) {
        if (e.t >= w) {
          held = true;
          break;
        }
        const key = identity(e);
        const was = state.sentKeys.get(key);
        if (was !== undefined) {
          if (was !== content(e)) this.diverge(run, state, `${e.type} changed after it was sent`);
          continue;
        }
        state.sentKeys.set(key, content(e));
        out.push(this.stamp(e, state.sent++));
      }
      state.dirty = held;
    }
    return out;
  }

  /** Live, run.start carries no evidence notes: they describe the whole run, which is not over. */
  private stamp(e: TraceEvent, seq: number): TraceEvent {
    if (e.type !== 'run.start' || !e.meta || !('evidence' in e.meta)) return { ...e, seq };
    const { evidence: _evidence, ...meta } = e.meta as Record<string, unknown>;
    return { ...e, seq, meta };
  }

  private limitOf(state: RunState, window: LiveWindow, evidence: readonly string[]): number {
    let w = window.watermark(state.traces);
    // A model call that listed no calls may still gain them from tool spans that start after it
    // (instrumentations that record responses without their calls): its response waits for the
    // next model call to start.
    const chats = state.spans.filter((s): s is ChatSpan => s.kind === 'chat');
    const last = chats.reduce<ChatSpan | undefined>(
      (a, c) => (!a || c.startMs > a.startMs ? c : a),
      undefined,
    );
    const mayInfer = last?.calls === undefined || evidence.some((n) => INFERRED_NOTE.test(n));
    if (last?.endMs !== undefined && (last.calls?.length ?? 0) === 0 && mayInfer)
      if (!window.chatStartedSince(last.endMs)) w = Math.min(w, last.endMs);
    return w;
  }

  private diverge(run: string, state: RunState, why: string): void {
    if (state.diverged) return;
    state.diverged = true;
    this.onChange(
      run,
      `run ${run}: ${why} (a span ended that changes events already streamed); later events are still sent once each`,
    );
  }

  /** Runs with events held back, waiting for open spans. */
  get pendingRuns(): number {
    let n = 0;
    for (const s of this.runs.values()) if (s.dirty) n++;
    return n;
  }
}
