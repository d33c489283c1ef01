// OpenLLMetry / Traceloop (JS 0.2x, Python): flattened gen_ai.prompt.N.{role,content,tool_call_id}
// and gen_ai.completion.N.tool_calls.M.{id,name,arguments} on model-call spans (llm.request.type),
// traceloop.span.kind tool (withTool) spans with traceloop.entity.{name,input,output}, and the
// LangChain instrumentation's tool `task` spans whose output is a ToolMessage.
import type { ToolCallSpec } from '@causelane/trace-schema';
import type { Dialect } from './dialect.ts';
import { toolMessageIn } from './openinference.ts';
import {
  type Attrs,
  hasPrefix,
  indexed,
  looseJson,
  type ModelCallFacts,
  messagePrint,
  type RawSpan,
  ResultGrouper,
  str,
  type ToolFacts,
} from './span-facts.ts';

function isToolTask(attrs: Attrs): boolean {
  const out = attrs['traceloop.entity.output'];
  return typeof out === 'string' && out.includes('"ToolMessage"');
}

function modelCall(span: RawSpan, print = true): ModelCallFacts {
  const a = span.attributes;
  const facts: ModelCallFacts = { calls: undefined, results: undefined };
  if (hasPrefix(a, 'gen_ai.completion.')) {
    const calls: ToolCallSpec[] = [];
    let anonymous = false;
    for (const m of indexed(a, 'gen_ai.completion.'))
      for (const c of indexed(m, 'tool_calls.')) {
        const id = str(c.id);
        if (!id) anonymous = true;
        calls.push({
          id: id ?? `${span.spanId}#${calls.length}`,
          name: str(c.name) ?? 'tool',
          ...(c.arguments != null ? { args: looseJson(c.arguments) } : {}),
        });
      }
    facts.calls = calls;
    if (anonymous) facts.anonymousCalls = true;
  }
  const prompt = indexed(a, 'gen_ai.prompt.');
  if (prompt.length > 0) {
    const g = new ResultGrouper();
    facts.inputPrint = prompt.map((m) => {
      const id = str(m.tool_call_id);
      const ids = indexed(m, 'tool_calls.')
        .map((c) => str(c.id))
        .filter((x): x is string => x !== undefined);
      if (m.role === 'tool') g.result(id, m.content);
      else if (m.role === 'assistant') g.assistant();
      return print
        ? messagePrint(m.role, id ? [...ids, id] : ids, m.content === 'null' ? '' : m.content)
        : '';
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
    toolName: str(a['traceloop.entity.name']) ?? span.name.replace(/\.(tool|task)$/, ''),
  };
  const input = looseJson(a['traceloop.entity.input']) as { args?: unknown[]; kwargs?: unknown } | undefined;
  if (input !== undefined) {
    // withTool / LangChain record {args: [...], kwargs}; one JSON-string argument is the tool input.
    const args = Array.isArray(input?.args) && input.args.length === 1 ? looseJson(input.args[0]) : input;
    facts.args = args;
  }
  if (a['traceloop.entity.output'] !== undefined) {
    const msg = isToolTask(a) ? toolMessageIn(a['traceloop.entity.output']) : undefined;
    if (msg) {
      facts.callId ??= msg.id;
      if (msg.name) facts.toolName = msg.name;
      if (msg.content !== undefined) {
        facts.result = msg.content;
        facts.resultText = msg.content;
      }
    } else {
      facts.result = looseJson(a['traceloop.entity.output']);
      if (typeof facts.result === 'string') facts.resultText = facts.result;
    }
  }
  return facts;
}

export const openLlmetry: Dialect = {
  name: 'openllmetry',
  kindOf(attrs) {
    const t = attrs['llm.request.type'];
    if (t === 'chat' || t === 'completion') return 'chat';
    const op = attrs['gen_ai.operation.name'];
    if (
      op === 'chat' &&
      attrs['gen_ai.input.messages'] === undefined &&
      (hasPrefix(attrs, 'gen_ai.prompt.') || hasPrefix(attrs, 'gen_ai.completion.'))
    )
      return 'chat';
    const kind = attrs['traceloop.span.kind'];
    if (kind === 'tool' || (kind === 'task' && isToolTask(attrs))) return 'tool';
    return kind === 'agent' ? 'agent' : undefined;
  },
  modelCall,
  tool,
  agentName: (span) => str(span.attributes['traceloop.entity.name']),
};
