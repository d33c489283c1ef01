// One span in the GenAI semantic conventions' terms (a chat turn or a tool execution), extracted
// from plain attributes so that OTLP JSON files and live SDK spans share the same mapping.
// Recognises the current conventions (gen_ai.operation.name, gen_ai.input/output.messages) and
// the flattened attributes older OpenLLMetry and OpenInference versions write.
import type { ToolCallSpec } from '@causelane/trace-schema';
import { describeValue, ImportError } from './import-error.ts';

export interface RawSpan {
  traceId: string;
  spanId: string;
  name: string;
  startMs: number;
  /** Undefined while the span is still open (live use). */
  endMs: number | undefined;
  attributes: Readonly<Record<string, unknown>>;
  events: readonly { name: string; attributes: Readonly<Record<string, unknown>> }[];
  error: boolean;
  statusMessage?: string;
  /** service.name of the resource, if any. */
  service?: string;
  /** JSON path of the span, for error messages. */
  where: string;
}

interface SpanBase {
  traceId: string;
  spanId: string;
  startMs: number;
  endMs: number | undefined;
  conversationId?: string;
  agent?: string;
}

export interface ChatSpan extends SpanBase {
  kind: 'chat';
  /** Tool calls the model asked for, in order; undefined when the output was not recorded. */
  calls: ToolCallSpec[] | undefined;
  /** Ids of the tool results in the input messages, in context order; undefined when not recorded. */
  results: string[] | undefined;
}

export interface ToolSpan extends SpanBase {
  kind: 'tool';
  callId: string | undefined;
  toolName: string;
  args?: unknown;
  result?: unknown;
  ok: boolean;
  error?: string;
}

export type GenAiSpan = ChatSpan | ToolSpan;

/** The longest run id trace format v1 accepts (its `run` field); a run is named by a span's ids. */
export const MAX_RUN_ID_LENGTH = 200;

const CHAT_OPERATIONS = new Set(['chat', 'generate_content', 'text_completion']);
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Message attributes are JSON strings on the wire; the SDK may also hold them as arrays. */
function messages(
  attrs: Readonly<Record<string, unknown>>,
  key: string,
  where: string,
): unknown[] | undefined {
  const v = attrs[key];
  if (v === undefined) return undefined;
  let parsed = v;
  if (typeof v === 'string') {
    try {
      parsed = JSON.parse(v);
    } catch {
      throw new ImportError(`${where}.attributes[${key}]`, `not valid JSON: ${describeValue(v)}`);
    }
  }
  if (!Array.isArray(parsed))
    throw new ImportError(
      `${where}.attributes[${key}]`,
      `expected an array of messages, got ${describeValue(parsed)}`,
    );
  return parsed;
}

function messageAttr(span: RawSpan, key: string): unknown[] | undefined {
  const own = messages(span.attributes, key, span.where);
  if (own) return own;
  for (const [i, e] of span.events.entries()) {
    if (e.name === DETAILS_EVENT) {
      const m = messages(e.attributes, key, `${span.where}.events[${i}]`);
      if (m) return m;
    }
  }
  return undefined;
}

function parts(message: unknown): Record<string, unknown>[] {
  const p = (message as { parts?: unknown } | null)?.parts;
  return Array.isArray(p)
    ? p.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
    : [];
}

/** Collects `prefix.N.suffix` values of flattened attributes, by N ascending. */
function indexed(
  attrs: Readonly<Record<string, unknown>>,
  prefix: string,
): Map<number, Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>();
  for (const [k, v] of Object.entries(attrs)) {
    if (!k.startsWith(prefix)) continue;
    const m = /^(\d+)\.(.+)$/.exec(k.slice(prefix.length));
    if (!m) continue;
    const n = Number(m[1]);
    let rec = out.get(n);
    if (!rec) {
      rec = {};
      out.set(n, rec);
    }
    rec[m[2]!] = v;
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

function outputCalls(span: RawSpan): ToolCallSpec[] | undefined {
  const out = messageAttr(span, 'gen_ai.output.messages');
  if (out) {
    const calls: ToolCallSpec[] = [];
    for (const m of out) {
      for (const p of parts(m)) {
        if (p.type !== 'tool_call') continue;
        const name = str(p.name) ?? 'tool';
        calls.push({
          id: str(p.id) ?? `${span.spanId}:${calls.length}`,
          name,
          ...(p.arguments != null ? { args: p.arguments } : {}),
        });
      }
    }
    return calls;
  }
  // OpenLLMetry (gen_ai.completion.0.tool_calls.N.*) and OpenInference (llm.output_messages.0.message.tool_calls.N.tool_call.*).
  const legacy = [
    {
      prefix: 'gen_ai.completion.0.tool_calls.',
      id: 'id',
      name: 'name',
      args: 'arguments',
      marker: 'gen_ai.completion.0.',
    },
    {
      prefix: 'llm.output_messages.0.message.tool_calls.',
      id: 'tool_call.id',
      name: 'tool_call.function.name',
      args: 'tool_call.function.arguments',
      marker: 'llm.output_messages.0.',
    },
  ];
  for (const l of legacy) {
    const recorded = Object.keys(span.attributes).some((k) => k.startsWith(l.marker));
    if (!recorded) continue;
    return [...indexed(span.attributes, l.prefix).values()].map((r, i) => ({
      id: str(r[l.id]) ?? `${span.spanId}:${i}`,
      name: str(r[l.name]) ?? 'tool',
      ...(r[l.args] != null ? { args: r[l.args] } : {}),
    }));
  }
  return undefined;
}

function inputResults(span: RawSpan): string[] | undefined {
  const input = messageAttr(span, 'gen_ai.input.messages');
  if (input) {
    const ids: string[] = [];
    for (const m of input)
      for (const p of parts(m)) if (p.type === 'tool_call_response' && str(p.id)) ids.push(p.id as string);
    return ids;
  }
  const legacy = [
    { prefix: 'gen_ai.prompt.', role: 'role', id: 'tool_call_id' },
    { prefix: 'llm.input_messages.', role: 'message.role', id: 'message.tool_call_id' },
  ];
  for (const l of legacy) {
    const msgs = indexed(span.attributes, l.prefix);
    if (msgs.size === 0) continue;
    return [...msgs.values()]
      .filter((r) => r[l.role] === 'tool' && str(r[l.id]))
      .map((r) => r[l.id] as string);
  }
  return undefined;
}

/** Whether attributes mark a chat span, a tool execution span, or neither. */
export function genAiKindOf(attrs: Readonly<Record<string, unknown>>): 'chat' | 'tool' | undefined {
  const op = attrs['gen_ai.operation.name'];
  if (typeof op === 'string')
    return CHAT_OPERATIONS.has(op) ? 'chat' : op === 'execute_tool' ? 'tool' : undefined;
  const llmType = attrs['llm.request.type'];
  if (llmType === 'chat' || llmType === 'completion') return 'chat';
  if (attrs['traceloop.span.kind'] === 'tool') return 'tool';
  const oi = attrs['openinference.span.kind'];
  return oi === 'LLM' ? 'chat' : oi === 'TOOL' ? 'tool' : undefined;
}

/** The GenAI view of a span, or null for spans that are neither chat nor tool execution. */
export function genAiSpanFrom(span: RawSpan): GenAiSpan | null {
  const a = span.attributes;
  const kind = genAiKindOf(a);
  if (!kind) return null;
  const base: SpanBase = {
    traceId: span.traceId,
    spanId: span.spanId,
    startMs: span.startMs,
    endMs: span.endMs,
  };
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
  const agent = str(a['gen_ai.agent.name']) ?? span.service;
  if (agent) base.agent = agent;
  if (kind === 'chat') return { ...base, kind, calls: outputCalls(span), results: inputResults(span) };
  const toolName =
    str(a['gen_ai.tool.name']) ??
    str(a['tool.name']) ??
    str(a['traceloop.entity.name']) ??
    span.name.replace(/^execute_tool\s+/, '');
  const tool: ToolSpan = {
    ...base,
    kind,
    callId: str(a['gen_ai.tool.call.id']) ?? str(a['tool_call.id']),
    toolName,
    ok: !span.error,
  };
  if (a['gen_ai.tool.call.arguments'] !== undefined) tool.args = a['gen_ai.tool.call.arguments'];
  if (a['gen_ai.tool.call.result'] !== undefined) tool.result = a['gen_ai.tool.call.result'];
  if (span.error) tool.error = span.statusMessage || str(a['error.type']) || 'error';
  return tool;
}
