// One span in Causelane's terms (a model call, a tool execution, or an agent invocation), extracted
// from plain attributes by the instrumentation's dialect (src/dialects), so that OTLP JSON files and
// live SDK spans share one mapping. Plain JSON: the collector stores these as they are.
import type { ToolCallSpec } from '@causelane/trace-schema';
import { aiSdk } from './dialects/ai-sdk.ts';
import type { Dialect, SpanKind } from './dialects/dialect.ts';
import { mastra } from './dialects/mastra.ts';
import { openInference } from './dialects/openinference.ts';
import { openLlmetry } from './dialects/openllmetry.ts';
import { otelGenAi } from './dialects/otel-genai.ts';
import {
  type Attrs,
  type InputResult,
  type RawSpan,
  type StateOp,
  stateOps,
  str,
} from './dialects/span-facts.ts';
import { ImportError } from './import-error.ts';

export type { InputResult, RawSpan, StateOp } from './dialects/span-facts.ts';

interface SpanBase {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startMs: number;
  endMs: number | undefined;
  conversationId?: string;
  /** The agent's name the span gives (gen_ai.agent.name; for agent spans, the dialect's agent name). */
  agent?: string;
  /** The resource's service.name, unless it is the SDK's `unknown_service` placeholder. */
  service?: string;
  /** The resource's service.name (+ pid / instance id): runs are only chained within one process. */
  process?: string;
  /** Which instrumentation's conventions the span follows (src/dialects). */
  dialect?: string;
}

export interface ChatSpan extends SpanBase {
  kind: 'chat';
  /** Tool calls the model asked for, in order; undefined when the output was not recorded. */
  calls: ToolCallSpec[] | undefined;
  /** The calls carry no ids: theirs are `<spanId>#<index>` stand-ins, replaced by tool spans' ids when bound. */
  anonymousCalls?: boolean;
  /**
   * Tool results in the input messages, in context order (ids, or id-less results by position);
   * undefined when not recorded. Older stored spans hold plain id strings.
   */
  results: (InputResult | string)[] | undefined;
  /** Fingerprints of the input messages, to chain model calls of one conversation across traces. */
  inputPrint?: string[];
}

export interface ToolSpan extends SpanBase {
  kind: 'tool';
  callId: string | undefined;
  toolName: string;
  args?: unknown;
  result?: unknown;
  /** The result as text, to bind id-less results in later inputs to this call. */
  resultText?: string;
  ok: boolean;
  error?: string;
  reads?: StateOp[];
  writes?: StateOp[];
}

/** An agent invocation (invoke_agent, ai.generateText, an OpenInference AGENT span): names the agent. */
export interface AgentSpan extends SpanBase {
  kind: 'agent';
}

export type GenAiSpan = ChatSpan | ToolSpan | AgentSpan;

/** The longest run id trace format v1 accepts (its `run` field); a run is named by a span's ids. */
export const MAX_RUN_ID_LENGTH = 200;

/** Most specific first: AI SDK and Mastra spans also carry some gen_ai.* attributes. */
const DIALECTS: readonly Dialect[] = [aiSdk, mastra, openLlmetry, otelGenAi, openInference];

function dialectOf(attrs: Attrs, name: string): { dialect: Dialect; kind: SpanKind } | undefined {
  for (const dialect of DIALECTS) {
    const kind = dialect.kindOf(attrs, name);
    if (kind === null) return undefined;
    if (kind) return { dialect, kind };
  }
  return undefined;
}

/**
 * Whether attributes mark a model call or a tool execution (the spans that become events), or
 * neither. Agent invocations are read for names only: they are not reported here, so a live bridge
 * does not hold events back until the agent span around the whole run ends.
 */
export function genAiKindOf(attrs: Attrs, name = ''): 'chat' | 'tool' | undefined {
  const kind = dialectOf(attrs, name)?.kind;
  return kind === 'agent' ? undefined : kind;
}

/** The Causelane view of a span, or null for spans no dialect claims (HTTP, database, chains). */
export function genAiSpanFrom(span: RawSpan): GenAiSpan | null {
  const a = span.attributes;
  const found = dialectOf(a, span.name);
  if (!found) return null;
  const { dialect, kind } = found;
  const base: SpanBase = {
    traceId: span.traceId,
    spanId: span.spanId,
    startMs: span.startMs,
    endMs: span.endMs,
    dialect: dialect.name,
  };
  if (span.parentSpanId) base.parentSpanId = span.parentSpanId;
  // The conversation id, or else the trace id, becomes the run id: a span whose run could not be
  // stored is refused here, alone, rather than failing every run mapped with it.
  if (span.traceId.length > MAX_RUN_ID_LENGTH)
    throw new ImportError(
      `${span.where}.traceId`,
      `is ${span.traceId.length} characters; a trace id names a run, and a run id is at most ${MAX_RUN_ID_LENGTH}`,
    );
  const conversationId = str(a['gen_ai.conversation.id']);
  if (conversationId && conversationId.length > MAX_RUN_ID_LENGTH)
    throw new ImportError(
      `${span.where}.attributes[gen_ai.conversation.id]`,
      `is ${conversationId.length} characters; the conversation id names the run, and a run id is at most ${MAX_RUN_ID_LENGTH}`,
    );
  if (conversationId) base.conversationId = conversationId;
  const agent = (kind === 'agent' ? dialect.agentName?.(span) : undefined) ?? str(a['gen_ai.agent.name']);
  if (agent) base.agent = agent;
  if (span.service && !span.service.startsWith('unknown_service')) base.service = span.service;
  if (span.process) base.process = span.process;
  // The kind's fields are added to `base` itself (same key order as a spread copy, one object less).
  if (kind === 'agent') {
    const agentSpan = base as AgentSpan;
    agentSpan.kind = kind;
    return agentSpan;
  }
  if (kind === 'chat') {
    // Fingerprints chain calls into runs; a conversation id already names the run.
    const facts = dialect.modelCall(span, !conversationId);
    const chat = base as ChatSpan;
    chat.kind = kind;
    chat.calls = facts.calls;
    chat.results = facts.results;
    if (facts.anonymousCalls) chat.anonymousCalls = true;
    if (facts.inputPrint) chat.inputPrint = facts.inputPrint;
    return chat;
  }
  const facts = dialect.tool(span);
  const tool = base as ToolSpan;
  tool.kind = kind;
  tool.callId = facts.callId;
  tool.toolName = facts.toolName;
  tool.ok = !span.error;
  if (facts.args !== undefined) tool.args = facts.args;
  if (facts.result !== undefined) tool.result = facts.result;
  if (facts.resultText !== undefined) tool.resultText = facts.resultText;
  if (span.error) tool.error = span.statusMessage || str(a['error.type']) || 'error';
  const reads = stateOps(a, 'reads', span.where);
  const writes = stateOps(a, 'writes', span.where);
  if (reads) tool.reads = reads;
  if (writes) tool.writes = writes;
  return tool;
}
