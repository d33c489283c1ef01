// OpenInference (Arize; JS and Python): openinference.span.kind LLM / TOOL / AGENT with flattened
// llm.input_messages.N.message.* and llm.output_messages.N.message.tool_calls.M.tool_call.*. Every
// output message is read (the Responses API writes one per call); call ids missing from the
// attributes (LangChain) are taken from output.value, and TOOL spans are bound by tool_call.id,
// tool.id (the result's call id, @arizeai/openinference-semantic-conventions TOOL_ID) or the
// ToolMessage in output.value.
import type { ToolCallSpec } from '@causelane/trace-schema';
import { isObject, type JsonObject } from '../history-input.ts';
import type { Dialect } from './dialect.ts';
import {
  argsKey,
  indexed,
  indexedEach,
  looseJson,
  type ModelCallFacts,
  messagePrint,
  type RawSpan,
  ResultGrouper,
  str,
  type ToolFacts,
} from './span-facts.ts';

/** Tool calls written in an output value: OpenAI Responses, Chat Completions, or a LangChain AIMessage. */
export function callsInOutputValue(value: unknown): { id: string; name: string; args: unknown }[] {
  const v = looseJson(value);
  if (!isObject(v)) return [];
  if (Array.isArray(v.output))
    return (v.output as JsonObject[])
      .filter((o) => isObject(o) && typeof o.call_id === 'string')
      .map((o) => ({ id: o.call_id as string, name: String(o.name), args: o.arguments }));
  const choice = Array.isArray(v.choices) ? (v.choices[0] as JsonObject | undefined) : undefined;
  const chatCalls = isObject(choice?.message) ? (choice.message as JsonObject).tool_calls : undefined;
  if (Array.isArray(chatCalls))
    return (chatCalls as JsonObject[]).map((c) => ({
      id: String(c.id),
      name: String((c.function as JsonObject | undefined)?.name),
      args: (c.function as JsonObject | undefined)?.arguments,
    }));
  const gen = Array.isArray(v.generations) ? (v.generations as unknown[][])[0]?.[0] : undefined;
  const message = isObject(gen)
    ? (gen.message as JsonObject | undefined)
    : isObject(v.kwargs)
      ? v
      : undefined;
  const kwargs = isObject(message?.kwargs) ? (message.kwargs as JsonObject) : undefined;
  if (Array.isArray(kwargs?.tool_calls))
    return (kwargs.tool_calls as JsonObject[]).map((c) => ({
      id: String(c.id),
      name: String(c.name),
      args: c.args,
    }));
  return [];
}

/** A LangChain ToolMessage (as LangChain serialises it) inside a tool span's output. */
export function toolMessageIn(value: unknown): { id?: string; name?: string; content?: string } | undefined {
  let v = looseJson(value);
  if (isObject(v) && isObject(v.output)) v = v.output;
  if (!isObject(v) || !Array.isArray(v.id) || v.id[v.id.length - 1] !== 'ToolMessage' || !isObject(v.kwargs))
    return undefined;
  const k = v.kwargs;
  const out: { id?: string; name?: string; content?: string } = {};
  if (str(k.tool_call_id)) out.id = k.tool_call_id as string;
  if (str(k.name)) out.name = k.name as string;
  if (typeof k.content === 'string') out.content = k.content;
  return out;
}

function messageCalls(rec: JsonObject): JsonObject[] {
  return indexed(rec, 'message.tool_calls.');
}

const MESSAGE_PREFIXES = ['llm.output_messages.', 'llm.input_messages.'] as const;

function modelCall(span: RawSpan, print = true): ModelCallFacts {
  const a = span.attributes;
  const facts: ModelCallFacts = { calls: undefined, results: undefined };
  const [outputs, inputs] = indexedEach(a, MESSAGE_PREFIXES) as [JsonObject[], JsonObject[]];
  if (outputs.length > 0) {
    const calls: ToolCallSpec[] = [];
    let missing = false;
    for (const m of outputs)
      for (const c of messageCalls(m)) {
        const id = str(c['tool_call.id']);
        if (!id) missing = true;
        const args = c['tool_call.function.arguments'];
        calls.push({
          id: id ?? `${span.spanId}#${calls.length}`,
          name: str(c['tool_call.function.name']) ?? 'tool',
          ...(args != null ? { args: looseJson(args) } : {}),
        });
      }
    if (missing) {
      // LangChain spans keep the ids only in output.value (parsed here, only when needed).
      const found = callsInOutputValue(a['output.value']);
      const same =
        found.length === calls.length &&
        found.every((f, i) => f.name === calls[i]!.name && argsKey(f.args) === argsKey(calls[i]!.args));
      if (same)
        found.forEach((f, i) => {
          calls[i]!.id = f.id;
        });
      else facts.anonymousCalls = true;
    }
    facts.calls = calls;
  }
  if (inputs.length > 0) {
    const g = new ResultGrouper();
    facts.inputPrint = inputs.map((m) => {
      const role = m['message.role'];
      const ids = messageCalls(m)
        .map((c) => str(c['tool_call.id']))
        .filter((x): x is string => x !== undefined);
      const resultId = str(m['message.tool_call_id']);
      if (role === 'tool') g.result(resultId, m['message.content']);
      else if (role === 'assistant') g.assistant();
      const text = m['message.content'] ?? m['message.contents.0.message_content.text'];
      return print ? messagePrint(role, resultId ? [...ids, resultId] : ids, text) : '';
    });
    facts.results = g.results;
    if (!print) delete facts.inputPrint;
  }
  return facts;
}

function tool(span: RawSpan): ToolFacts {
  const a = span.attributes;
  const facts: ToolFacts = {
    callId: str(a['tool_call.id']) ?? str(a['tool.id']),
    toolName: str(a['tool.name']) ?? span.name,
  };
  if (a['input.value'] !== undefined) facts.args = looseJson(a['input.value']);
  if (a['output.value'] !== undefined) {
    // Parsed only when the id is missing (LangChain keeps it in the ToolMessage there).
    const msg = facts.callId ? undefined : toolMessageIn(a['output.value']);
    if (msg) {
      facts.callId ??= msg.id;
      if (msg.content !== undefined) {
        facts.result = msg.content;
        facts.resultText = msg.content;
      }
    } else {
      facts.result = a['output.value'];
      if (typeof facts.result === 'string') facts.resultText = facts.result;
    }
  }
  return facts;
}

export const openInference: Dialect = {
  name: 'openinference',
  kindOf(attrs) {
    const k = attrs['openinference.span.kind'];
    return k === 'LLM' ? 'chat' : k === 'TOOL' ? 'tool' : k === 'AGENT' ? 'agent' : undefined;
  },
  modelCall,
  tool,
  agentName: (span) => str(span.attributes['agent.name']) ?? span.name,
};
