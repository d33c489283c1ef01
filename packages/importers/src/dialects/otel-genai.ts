// The OpenTelemetry GenAI semantic conventions (gen_ai.operation.name chat / execute_tool /
// invoke_agent, gen_ai.input.messages and gen_ai.output.messages as parts): what AI SDK 7's
// OpenTelemetry integration, the Python openai-v2 instrumentation and hand-written spans emit.
import type { ToolCallSpec } from '@causelane/trace-schema';
import { describeValue, ImportError } from '../import-error.ts';
import type { Dialect } from './dialect.ts';
import { parseMessageHistory } from './message-history-json.ts';
import {
  type Attrs,
  type ModelCallFacts,
  messagePrint,
  type RawSpan,
  ResultGrouper,
  str,
  type ToolFacts,
} from './span-facts.ts';

const CHAT_OPERATIONS = new Set(['chat', 'generate_content', 'text_completion']);
const AGENT_OPERATIONS = new Set(['invoke_agent', 'create_agent']);
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

type Part = Record<string, unknown>;

/** A message attribute's array; `parsed`: parsed here from its JSON text (nobody else holds it). */
function messages(
  attrs: Attrs,
  key: string,
  where: string,
): { list: unknown[]; parsed: boolean } | undefined {
  const v = attrs[key];
  if (v === undefined) return undefined;
  let parsed: unknown = v;
  if (typeof v === 'string') {
    try {
      parsed = parseMessageHistory(v);
    } catch {
      throw new ImportError(`${where}.attributes[${key}]`, `not valid JSON: ${describeValue(v)}`);
    }
  }
  if (!Array.isArray(parsed))
    throw new ImportError(
      `${where}.attributes[${key}]`,
      `expected an array of messages, got ${describeValue(parsed)}`,
    );
  return { list: parsed, parsed: typeof v === 'string' };
}

/** The attribute on the span, or else on its inference-details event (the events-based opt-in). */
function messageAttr(span: RawSpan, key: string): { list: unknown[]; parsed: boolean } | undefined {
  const own = messages(span.attributes, key, span.where);
  if (own) return own;
  for (const [i, e] of span.events.entries()) {
    if (e.name !== DETAILS_EVENT) continue;
    const m = messages(e.attributes, key, `${span.where}.events[${i}]`);
    if (m) return m;
  }
  return undefined;
}

function parts(message: unknown): Part[] {
  const p = (message as { parts?: unknown } | null)?.parts;
  return Array.isArray(p) ? p.filter((x): x is Part => typeof x === 'object' && x !== null) : [];
}

function modelCall(span: RawSpan, print = true): ModelCallFacts {
  const facts: ModelCallFacts = { calls: undefined, results: undefined };
  const out = messageAttr(span, 'gen_ai.output.messages')?.list;
  if (out) {
    const calls: ToolCallSpec[] = [];
    let anonymous = false;
    for (const m of out)
      for (const p of parts(m)) {
        if (p.type !== 'tool_call') continue;
        const id = str(p.id);
        if (!id) anonymous = true;
        calls.push({
          id: id ?? `${span.spanId}#${calls.length}`,
          name: str(p.name) ?? 'tool',
          ...(p.arguments != null ? { args: p.arguments } : {}),
        });
      }
    facts.calls = calls;
    if (anonymous) facts.anonymousCalls = true;
  }
  const input = messageAttr(span, 'gen_ai.input.messages');
  if (input) {
    const scan = scanInput(input.list, print, input.parsed);
    facts.results = scan.grouper.results;
    if (print) facts.inputPrint = scan.prints;
  }
  return facts;
}

interface InputScan {
  input: readonly unknown[];
  grouper: ResultGrouper;
  /** One print per message, when asked for. */
  prints: string[] | undefined;
}

/** The last few input histories scanned (conversations interleave in a file, a few at a time). */
const RECENT_SCANS = 8;
const recentScans: InputScan[] = [];

/** Forgets the scans kept for resuming (so a finished import holds no memory). */
export function forgetInputScans(): void {
  recentScans.length = 0;
}

/** How many leading messages `input` shares with a scanned one: all of that one's, else 0. */
function sharedStart(input: readonly unknown[], scanned: readonly unknown[]): number {
  if (scanned.length > input.length) return 0;
  for (let k = 0; k < scanned.length; k++) if (input[k] !== scanned[k]) return 0;
  return scanned.length;
}

/**
 * The results (and prints) of an input history. Each chat span of a conversation repeats the whole
 * history, and parseMessageHistory gives a longer one the same message objects as the one before:
 * when every message of a recent scan is, one for one, the same object at the start of `input`,
 * the scan goes on from that one's state over the new messages only (linear in the conversation).
 * Only arrays parsed here are remembered: no one else can change their messages.
 */
function scanInput(input: readonly unknown[], print: boolean, parsed: boolean): InputScan {
  let from: InputScan | undefined;
  let shared = 0;
  if (parsed)
    for (const s of recentScans) {
      if (print && !s.prints) continue;
      const n = sharedStart(input, s.input);
      if (n > shared) {
        from = s;
        shared = n;
      }
    }
  const scan = from
    ? scanMessages(input, shared, from.grouper.copy(), print ? from.prints!.slice() : undefined)
    : scanMessages(input, 0, new ResultGrouper(), print ? [] : undefined);
  if (parsed) {
    recentScans.unshift(scan);
    if (recentScans.length > RECENT_SCANS) recentScans.pop();
  }
  return scan;
}

function scanMessages(
  input: readonly unknown[],
  start: number,
  g: ResultGrouper,
  prints: string[] | undefined,
): InputScan {
  const print = prints !== undefined;
  for (let k = start; k < input.length; k++) {
    const m = input[k];
    const role = (m as { role?: unknown } | null)?.role;
    const ps = (m as { parts?: unknown } | null)?.parts;
    const ids: string[] = [];
    let text = '';
    if (Array.isArray(ps))
      for (const p of ps as Part[]) {
        if (typeof p !== 'object' || p === null) continue;
        if (p.type === 'tool_call_response') {
          const id = str(p.id);
          if (id) ids.push(id);
          g.result(id, typeof p.response === 'string' ? p.response : undefined);
        } else if (print) {
          if (p.type === 'tool_call' && str(p.id)) ids.push(p.id as string);
          else if (typeof p.content === 'string') text += p.content;
        }
      }
    if (role === 'assistant') g.assistant();
    if (prints) prints.push(messagePrint(role, ids, text));
  }
  return { input, grouper: g, prints };
}

function tool(span: RawSpan): ToolFacts {
  const a = span.attributes;
  const facts: ToolFacts = {
    callId: str(a['gen_ai.tool.call.id']),
    toolName: str(a['gen_ai.tool.name']) ?? span.name.replace(/^execute_tool\s+/, ''),
  };
  if (a['gen_ai.tool.call.arguments'] !== undefined) facts.args = a['gen_ai.tool.call.arguments'];
  if (a['gen_ai.tool.call.result'] !== undefined) {
    facts.result = a['gen_ai.tool.call.result'];
    if (typeof facts.result === 'string') facts.resultText = facts.result;
  }
  return facts;
}

export const otelGenAi: Dialect = {
  name: 'otel-genai',
  kindOf(attrs) {
    const op = attrs['gen_ai.operation.name'];
    if (typeof op !== 'string') return undefined;
    if (CHAT_OPERATIONS.has(op)) return 'chat';
    if (op === 'execute_tool') return 'tool';
    return AGENT_OPERATIONS.has(op) ? 'agent' : undefined;
  },
  modelCall,
  tool,
  agentName: (span) => str(span.attributes['gen_ai.agent.name']),
};
