// Mastra's AI tracing as its OTel exporters write it (mastra.span.type on every span):
// - 1.x (@mastra/otel-exporter 1.x): agent_step spans (model_step) hold the step's input messages
//   and its output toolCalls; execute_tool spans (tool_call) carry gen_ai.tool.call.id.
// - 0.24 (@mastra/otel-exporter 0.3.x; @mastra/core 0.24 ModelSpanTracker): `step: N` spans with
//   generic `input` (the provider request) and `output` ({ text, toolCalls }), `chunk: 'tool-call'`
//   spans, `tool.execute <id>` spans (gen_ai.operation.name tool.execute) with gen_ai.tool.input and
//   gen_ai.tool.output but no call id (bound by name and arguments).
// Model-generation, inference and chunk spans repeat the step's content: claimed and skipped, so the
// GenAI reading of their `chat` operation does not count each model call twice.
import type { ToolCallSpec } from '@causelane/trace-schema';
import { isObject, type JsonObject } from '../history-input.ts';
import type { Dialect } from './dialect.ts';
import {
  jsonAttr,
  looseJson,
  type ModelCallFacts,
  messagePrint,
  type RawSpan,
  ResultGrouper,
  str,
  type ToolFacts,
} from './span-facts.ts';

const SKIPPED = new Set(['model_generation', 'model_inference', 'model_chunk']);
const TOOLS = new Set(['tool_call', 'mcp_tool_call']);

/** The messages of a step's input: an array, `{ messages }`, or a provider request `{ body }`. */
function inputMessages(input: unknown): JsonObject[] | undefined {
  let v = looseJson(input);
  if (isObject(v) && v.body !== undefined) v = looseJson(v.body);
  if (isObject(v)) v = v.messages ?? v.input ?? v.prompt;
  return Array.isArray(v) ? v.filter(isObject) : undefined;
}

/** Tool results of one message, in every shape a step input takes (OpenAI chat and Responses, AI SDK). */
function readMessage(m: JsonObject, g: ResultGrouper): { ids: string[]; text: string } {
  const ids: string[] = [];
  let text = typeof m.content === 'string' ? m.content : '';
  if (m.type === 'function_call' && str(m.call_id)) ids.push(m.call_id as string);
  if (m.type === 'function_call_output') {
    g.result(str(m.call_id), typeof m.output === 'string' ? m.output : undefined);
    return { ids: str(m.call_id) ? [m.call_id as string] : [], text };
  }
  for (const c of Array.isArray(m.tool_calls) ? (m.tool_calls as JsonObject[]) : [])
    if (str(c.id)) ids.push(c.id as string);
  if (m.role === 'tool' && typeof m.content === 'string') {
    const lossy = m.content.match(/\[tool-result: [^\]]*\]/g);
    // Mastra 1.x writes results as "[tool-result: name]" text: count them, without ids.
    if (lossy && !m.tool_call_id) for (const _ of lossy) g.result(undefined, undefined);
    else g.result(str(m.tool_call_id), m.content);
  }
  for (const p of Array.isArray(m.content) ? (m.content as JsonObject[]).filter(isObject) : []) {
    if (p.type === 'tool-call' && str(p.toolCallId)) ids.push(p.toolCallId as string);
    else if (p.type === 'tool-result') g.result(str(p.toolCallId), undefined);
    else if (typeof p.text === 'string') text += p.text;
  }
  if (m.role === 'assistant' || m.type === 'function_call') g.assistant();
  return { ids, text };
}

function modelCall(span: RawSpan, print = true): ModelCallFacts {
  const a = span.attributes;
  const facts: ModelCallFacts = { calls: undefined, results: undefined };
  const outKey = a['mastra.model_step.output'] !== undefined ? 'mastra.model_step.output' : 'output';
  if (a[outKey] !== undefined) {
    const out = jsonAttr(a, outKey, span.where);
    const list =
      isObject(out) && Array.isArray(out.toolCalls) ? (out.toolCalls as JsonObject[]).filter(isObject) : [];
    const calls: ToolCallSpec[] = list.map((c, i) => {
      const args = c.args ?? c.input;
      return {
        id: str(c.toolCallId) ?? `${span.spanId}#${i}`,
        name: str(c.toolName) ?? 'tool',
        ...(args !== undefined ? { args: looseJson(args) } : {}),
      };
    });
    facts.calls = calls;
    if (list.some((c) => !str(c.toolCallId))) facts.anonymousCalls = true;
  }
  const messages = inputMessages(a['mastra.model_step.input'] ?? a.input);
  if (messages) {
    const g = new ResultGrouper();
    facts.inputPrint = messages.map((m) => {
      const { ids, text } = readMessage(m, g);
      return print ? messagePrint(m.role ?? m.type, ids, text) : '';
    });
    facts.results = g.results;
    if (!print) delete facts.inputPrint;
  }
  return facts;
}

function tool(span: RawSpan): ToolFacts {
  const a = span.attributes;
  const facts: ToolFacts = {
    callId: str(a['gen_ai.tool.call.id']),
    toolName: str(a['gen_ai.tool.name']) ?? span.name.replace(/^(execute_tool|tool\.execute)\s+/, ''),
  };
  const args = a['gen_ai.tool.call.arguments'] ?? a['gen_ai.tool.input'] ?? a.input;
  if (args !== undefined) facts.args = looseJson(args);
  const result = a['gen_ai.tool.call.result'] ?? a['gen_ai.tool.output'] ?? a.output;
  if (result !== undefined) {
    facts.result = looseJson(result);
    if (typeof facts.result === 'string') facts.resultText = facts.result;
  }
  return facts;
}

export const mastra: Dialect = {
  name: 'mastra',
  kindOf(attrs) {
    const t = attrs['mastra.span.type'];
    if (typeof t !== 'string') return undefined;
    if (t === 'model_step') return 'chat';
    if (TOOLS.has(t)) return 'tool';
    if (t === 'agent_run') return 'agent';
    return SKIPPED.has(t) ? null : undefined;
  },
  modelCall,
  tool,
  agentName: (span) =>
    str(span.attributes['gen_ai.agent.name']) ??
    str(span.attributes['agent.id']) ??
    str(span.attributes['gen_ai.agent.id']),
};
