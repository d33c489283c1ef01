// The spans of an instrumented app that have started and not ended, for the OTel bridge to decide
// how far each run's events are final. A span's kind is read from its attributes as they are NOW,
// not as they were at start: OpenLLMetry's withTool sets traceloop.span.kind just after start.
import { genAiKindOf } from '@causelane/importers';
import type { Span } from '@opentelemetry/sdk-trace-base';

const hrToMs = (t: readonly [number, number]) => t[0] * 1000 + t[1] / 1e6;
const GENAI_NAME = /^(chat|execute_tool|text_completion|generate_content)\b/;

interface OpenSpan {
  span: Span;
  traceId: string;
  startMs: number;
  /** Ancestors that were open when this span started, nearest first. */
  chain: string[];
}

/** What a span is by its current attributes and name: a model call, a tool, or not (yet) known. */
export function currentKind(span: Span): 'chat' | 'tool' | undefined {
  const kind = genAiKindOf(span.attributes, span.name);
  if (kind) return kind;
  const m = GENAI_NAME.exec(span.name);
  if (!m) return undefined;
  return m[1] === 'execute_tool' ? 'tool' : 'chat';
}

export class OpenSpans {
  private readonly open = new Map<string, OpenSpan>();
  /** Open spans around a span that became events (workflow, agent, HTTP server spans). */
  private readonly wrappers = new Set<string>();

  start(span: Span): void {
    const ctx = span.spanContext();
    const parent = span.parentSpanContext?.spanId;
    const chain = parent ? [parent, ...(this.open.get(parent)?.chain ?? [])] : [];
    this.open.set(ctx.spanId, { span, traceId: ctx.traceId, startMs: hrToMs(span.startTime), chain });
  }

  /** The span ended; `becameEvents` when it mapped to a model call or tool (its ancestors wrap it). */
  end(spanId: string, becameEvents: boolean): void {
    const rec = this.open.get(spanId);
    this.open.delete(spanId);
    this.wrappers.delete(spanId);
    if (rec && becameEvents) for (const id of rec.chain) if (this.open.has(id)) this.wrappers.add(id);
  }

  /**
   * Start of the oldest open span that may still add events before a run's pending ones: a span
   * that now looks like a model call or tool (in any trace: a conversation id can join traces), or
   * any other span of the run's traces that does not wrap its events (its kind may be set later).
   */
  watermark(traces: ReadonlySet<string>): number {
    let w = Infinity;
    for (const [id, o] of this.open) {
      if (o.startMs >= w) continue;
      const known = currentKind(o.span) !== undefined;
      if (known || (traces.has(o.traceId) && !this.wrappers.has(id))) w = o.startMs;
    }
    return w;
  }

  /** Whether a span that now looks like a model call started at or after `ms`. */
  chatStartedSince(ms: number): boolean {
    for (const o of this.open.values()) if (o.startMs >= ms && currentKind(o.span) === 'chat') return true;
    return false;
  }

  get size(): number {
    return this.open.size;
  }
}
