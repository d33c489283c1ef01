// Vercel AI SDK's own span names (`ai` 6 experimental_telemetry, and AI SDK 7's LegacyOpenTelemetry
// integration): ai.generateText.doGenerate / ai.streamText.doStream are model calls with
// ai.prompt.messages and ai.response.toolCalls, ai.toolCall spans are tool executions.
// AI SDK 7's OpenTelemetry integration writes gen_ai.* attributes instead (otel-genai.ts).
import type { ToolCallSpec } from '@causelane/trace-schema';
import { describeValue, ImportError } from '../import-error.ts';
import type { Dialect } from './dialect.ts';
import {
  jsonAttr,
  type ModelCallFacts,
  messagePrint,
  type RawSpan,
  ResultGrouper,
  str,
  type ToolFacts,
} from './span-facts.ts';

const MODEL_CALLS = new Set([
  'ai.generateText.doGenerate',
  'ai.streamText.doStream',
  'ai.generateObject.doGenerate',
  'ai.streamObject.doStream',
]);
const OPERATIONS = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject']);

type Obj = Record<string, unknown>;

function list(span: RawSpan, key: string): Obj[] | undefined {
  if (span.attributes[key] === undefined) return undefined;
  const v = jsonAttr(span.attributes, key, span.where);
  if (!Array.isArray(v))
    throw new ImportError(
      `${span.where}.attributes[${key}]`,
      `expected a JSON array, got ${describeValue(v)}`,
    );
  return v.filter((x): x is Obj => typeof x === 'object' && x !== null);
}

/** A tool-result part's output: `{ type: 'text', value }` (AI SDK 5+) or the bare `result` (4). */
function resultText(part: Obj): string | undefined {
  const out = (part.output ?? part.result) as unknown;
  if (typeof out === 'string') return out;
  const value = (out as Obj | null)?.value;
  return typeof value === 'string' ? value : out === undefined ? undefined : JSON.stringify(value ?? out);
}

function modelCall(span: RawSpan, print = true): ModelCallFacts {
  const facts: ModelCallFacts = { calls: undefined, results: undefined };
  const toolCalls = list(span, 'ai.response.toolCalls');
  const finished = span.attributes['ai.response.finishReason'] !== undefined;
  if (toolCalls || finished) {
    const calls: ToolCallSpec[] = (toolCalls ?? []).map((c, i) => {
      const args = c.input ?? c.args;
      return {
        id: str(c.toolCallId) ?? `${span.spanId}#${i}`,
        name: str(c.toolName) ?? 'tool',
        ...(args !== undefined ? { args: typeof args === 'string' ? parseArgs(args) : args } : {}),
      };
    });
    facts.calls = calls;
    if ((toolCalls ?? []).some((c) => !str(c.toolCallId))) facts.anonymousCalls = true;
  }
  const prompt = list(span, 'ai.prompt.messages');
  if (prompt) {
    const g = new ResultGrouper();
    facts.inputPrint = prompt.map((m) => {
      const content = Array.isArray(m.content) ? (m.content as Obj[]) : [];
      const ids: string[] = [];
      let text = typeof m.content === 'string' ? m.content : '';
      for (const p of content) {
        if (p.type === 'tool-call' && str(p.toolCallId)) ids.push(p.toolCallId as string);
        else if (p.type === 'tool-result') {
          if (str(p.toolCallId)) ids.push(p.toolCallId as string);
          g.result(str(p.toolCallId), resultText(p));
        } else if (typeof p.text === 'string') text += p.text;
      }
      if (m.role === 'assistant') g.assistant();
      return print ? messagePrint(m.role, ids, text) : '';
    });
    facts.results = g.results;
    if (!print) delete facts.inputPrint;
  }
  return facts;
}

function parseArgs(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function tool(span: RawSpan): ToolFacts {
  const a = span.attributes;
  const facts: ToolFacts = {
    callId: str(a['ai.toolCall.id']),
    toolName: str(a['ai.toolCall.name']) ?? 'tool',
  };
  const args = a['ai.toolCall.args'] ?? a['ai.toolCall.input'];
  if (args !== undefined) facts.args = typeof args === 'string' ? parseArgs(args) : args;
  const result = a['ai.toolCall.result'] ?? a['ai.toolCall.output'];
  if (result !== undefined) {
    facts.result = typeof result === 'string' ? parseArgs(result) : result;
    if (typeof facts.result === 'string') facts.resultText = facts.result;
  }
  return facts;
}

export const aiSdk: Dialect = {
  name: 'ai-sdk',
  kindOf(attrs) {
    const op = attrs['ai.operationId'];
    if (typeof op !== 'string') return undefined;
    if (MODEL_CALLS.has(op)) return 'chat';
    if (op === 'ai.toolCall') return 'tool';
    return OPERATIONS.has(op) ? 'agent' : undefined;
  },
  modelCall,
  tool,
  agentName: (span) => str(span.attributes['ai.telemetry.functionId']),
};
