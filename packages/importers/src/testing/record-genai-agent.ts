// Test support: a small agent "run" recorded with the real OpenTelemetry JS SDK, with spans that
// follow the GenAI semantic conventions, serialised with the real OTLP JSON serializer.
import { type Attributes, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface ScriptedCall {
  id: string;
  name: string;
  /** Offsets in ms from the run's start. */
  start: number;
  end: number;
  error?: string;
}

export interface ScriptedTurn {
  start: number;
  end: number;
  /** Calls the model asks for, executed as (possibly parallel) execute_tool spans. */
  calls: ScriptedCall[];
  /** Ids of tool results in this turn's input messages, in context order. */
  results?: string[];
}

export interface AgentScript {
  conversationId?: string;
  turns: ScriptedTurn[];
  /** Leave out gen_ai.input.messages / gen_ai.output.messages (they are opt-in). */
  withoutInput?: boolean;
  withoutOutput?: boolean;
}

export const SCRIPT_T0 = 1_760_000_000_000;

/**
 * A correct loop as GenAI spans: both results are back before turn 2, which holds them in call
 * order. Shared by the collector and e2e tests.
 */
export function correctAgentScript(conversationId: string): AgentScript {
  return {
    conversationId,
    turns: [
      {
        start: 0,
        end: 10,
        calls: [
          { id: 'call_search', name: 'search', start: 11, end: 20 },
          { id: 'call_calc', name: 'calculator', start: 12, end: 15 },
        ],
      },
      { start: 25, end: 30, calls: [], results: ['call_search', 'call_calc'] },
    ],
  };
}

/**
 * The impatient loop as GenAI spans: turn 2 is sent before `search` ends (premature-llm-call) and
 * its result lands in turn 3 (late-commit). Shared by the importer, collector, bridge and e2e tests.
 */
export function impatientAgentScript(conversationId: string): AgentScript {
  return {
    conversationId,
    turns: [
      {
        start: 0,
        end: 10,
        calls: [
          { id: 'call_search', name: 'search', start: 11, end: 40 },
          { id: 'call_calc', name: 'calculator', start: 12, end: 15 },
        ],
      },
      { start: 20, end: 30, calls: [], results: ['call_calc'] },
      { start: 45, end: 50, calls: [], results: ['call_search'] },
    ],
  };
}

/** A message of the scripted history, in GenAI semantic-convention parts. */
export interface ScriptMessage {
  role: string;
  parts: Record<string, unknown>[];
  finish_reason?: string;
}

/** How a scripted agent's spans are named and attributed: one instrumentation's conventions. */
export interface ScriptDialect {
  agent(conv: string | undefined): { name: string; attributes: Attributes };
  /** The model call's attributes at its start; `history` is undefined when inputs are not recorded. */
  chat(
    history: readonly ScriptMessage[] | undefined,
    conv: string | undefined,
  ): { name: string; attributes: Attributes };
  /** Set on the model call as it ends (when outputs are recorded). */
  output(message: ScriptMessage): Attributes;
  tool(call: ScriptedCall, conv: string | undefined): { name: string; attributes: Attributes };
}

/** The OpenTelemetry GenAI semantic conventions (gen_ai.input.messages as one JSON attribute). */
export const genAiScriptDialect: ScriptDialect = {
  agent: (conv) => ({
    name: 'invoke_agent planner',
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'planner',
      ...(conv ? { 'gen_ai.conversation.id': conv } : {}),
    },
  }),
  chat: (history, conv) => ({
    name: 'chat gpt-4o',
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      ...(conv ? { 'gen_ai.conversation.id': conv } : {}),
      ...(history ? { 'gen_ai.input.messages': JSON.stringify(history) } : {}),
    },
  }),
  output: (message) => ({ 'gen_ai.output.messages': JSON.stringify([message]) }),
  tool: (c, conv) => ({
    name: `execute_tool ${c.name}`,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': c.name,
      'gen_ai.tool.call.id': c.id,
      ...(conv ? { 'gen_ai.conversation.id': conv } : {}),
    },
  }),
};

/**
 * Runs the script against a tracer. Spans start and end in wall-clock order with explicit times,
 * as they would in a live agent, so span processors see them as they would in production.
 */
export function playAgentScript(
  provider: BasicTracerProvider,
  script: AgentScript,
  dialect: ScriptDialect = genAiScriptDialect,
  t0 = SCRIPT_T0,
): void {
  const tracer = provider.getTracer('test-agent', '1.0.0');
  const at = (ms: number) => t0 + ms;
  const last = script.turns.reduce((m, t) => Math.max(m, t.end, ...t.calls.map((c) => c.end)), 0);
  const conv = script.conversationId;
  const a = dialect.agent(conv);
  const agent = tracer.startSpan(a.name, { startTime: at(0), attributes: a.attributes });
  const ctx = trace.setSpan(context.active(), agent);
  const history: ScriptMessage[] = [{ role: 'user', parts: [{ type: 'text', content: 'plan my trip' }] }];
  const actions: { t: number; order: number; run: () => void }[] = [];
  script.turns.forEach((turn, k) => {
    const output: ScriptMessage = {
      role: 'assistant',
      parts: turn.calls.map((c) => ({ type: 'tool_call', id: c.id, name: c.name, arguments: { q: c.id } })),
      finish_reason: turn.calls.length > 0 ? 'tool_call' : 'stop',
    };
    let chat: Span | undefined;
    actions.push({
      t: turn.start,
      order: 2,
      run: () => {
        for (const id of turn.results ?? []) {
          history.push({
            role: 'tool',
            parts: [{ type: 'tool_call_response', id, response: `result of ${id}` }],
          });
        }
        const c = dialect.chat(script.withoutInput ? undefined : history, conv);
        chat = tracer.startSpan(
          c.name,
          { kind: SpanKind.CLIENT, startTime: at(turn.start), attributes: c.attributes },
          ctx,
        );
      },
    });
    actions.push({
      t: turn.end,
      order: 1,
      run: () => {
        if (!script.withoutOutput) chat!.setAttributes(dialect.output(output));
        chat!.end(at(turn.end));
        history.push(output);
      },
    });
    for (const c of turn.calls) {
      let tool: Span | undefined;
      actions.push({
        t: c.start,
        order: 3 + k,
        run: () => {
          const s = dialect.tool(c, conv);
          tool = tracer.startSpan(
            s.name,
            { kind: SpanKind.INTERNAL, startTime: at(c.start), attributes: s.attributes },
            ctx,
          );
        },
      });
      actions.push({
        t: c.end,
        order: 0,
        run: () => {
          if (c.error) tool!.setStatus({ code: 2, message: c.error });
          tool!.end(at(c.end));
        },
      });
    }
  });
  // Ends before starts at the same instant; a turn's chat before its tools.
  actions.sort((a, b) => a.t - b.t || a.order - b.order);
  for (const a of actions) a.run();
  agent.end(at(last + 1));
}

/** The script as an OTLP JSON ExportTraceServiceRequest, via InMemorySpanExporter + JsonTraceSerializer. */
export function recordAgentOtlp(script: AgentScript, extra: SpanProcessor[] = []): unknown {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'trip-agent' }),
    spanProcessors: [new SimpleSpanProcessor(exporter), ...extra],
  });
  playAgentScript(provider, script);
  const bytes = JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  return JSON.parse(new TextDecoder().decode(bytes));
}
