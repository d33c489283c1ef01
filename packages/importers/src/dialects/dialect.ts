// What one instrumentation dialect provides: which spans it recognises and how a span of each kind
// becomes model-call or tool facts. genai-span.ts asks each dialect in turn.
import type { Attrs, ModelCallFacts, RawSpan, ToolFacts } from './span-facts.ts';

export type SpanKind = 'chat' | 'tool' | 'agent';

export interface Dialect {
  /** Recorded in run.start's meta.dialects, e.g. 'otel-genai', 'ai-sdk', 'openinference'. */
  name: string;
  /** The span's kind in this dialect, or undefined when the dialect does not claim the span. */
  kindOf(attrs: Attrs, name: string): SpanKind | undefined;
  modelCall(span: RawSpan): ModelCallFacts;
  tool(span: RawSpan): ToolFacts;
  /** The agent's name, for agent spans. */
  agentName?(span: RawSpan): string | undefined;
}
