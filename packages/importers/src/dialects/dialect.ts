// What one instrumentation dialect provides: which spans it recognises and how a span of each kind
// becomes model-call or tool facts. genai-span.ts asks each dialect in turn.
import type { Attrs, ModelCallFacts, RawSpan, ToolFacts } from './span-facts.ts';

export type SpanKind = 'chat' | 'tool' | 'agent';

export interface Dialect {
  /** Recorded in run.start's meta.dialects, e.g. 'otel-genai', 'ai-sdk', 'openinference'. */
  name: string;
  /**
   * The span's kind in this dialect; null when the dialect claims the span but maps it to nothing
   * (it repeats another span's content); undefined when the dialect does not claim it.
   */
  kindOf(attrs: Attrs, name: string): SpanKind | null | undefined;
  /** `print`: also fingerprint the input messages (only needed to chain runs without a conversation id). */
  modelCall(span: RawSpan, print?: boolean): ModelCallFacts;
  tool(span: RawSpan): ToolFacts;
  /** The agent's name, for agent spans. */
  agentName?(span: RawSpan): string | undefined;
}
