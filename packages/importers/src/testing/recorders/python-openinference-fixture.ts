// Test support: OTLP JSON in the shape Python agents produce, for what cannot be installed here
// (no Python packages): OpenInference TOOL spans that name their call in `tool.id` (the result's call
// id, @arizeai/openinference-semantic-conventions 2.12.0 TOOL_ID; Arize Phoenix's Python TOOL spans
// set it from `part.tool_call_id`, with `input.value` / `output.value` as JSON), LLM spans with
// flattened llm.input_messages / llm.output_messages (openinference-instrumentation-openai, Python),
// serialised the way protobuf's MessageToJson writes an ExportTraceServiceRequest: ids as base64 of
// their bytes, int64 as decimal strings, camelCase field names.
import { MOCK_CALLS, SLOW_CALL } from './mock-llm-server.ts';

type Attr = { key: string; value: { stringValue: string } | { intValue: string } };
const attr = (key: string, v: string | number): Attr =>
  typeof v === 'number' ? { key, value: { intValue: String(v) } } : { key, value: { stringValue: v } };

function base64Of(hex: string): string {
  return btoa(String.fromCharCode(...hex.match(/../g)!.map((h) => Number.parseInt(h, 16))));
}

export const PY_T0_NS = 1_760_000_000_000_000_000n;
const ns = (ms: number) => String(PY_T0_NS + BigInt(ms) * 1_000_000n);

export interface PythonFixture {
  /** The request as MessageToJson writes it. */
  request: unknown;
  /** The trace id in hex, as the importer must name the run. */
  traceIdHex: string;
}

/**
 * One agent run (one trace, a root AGENT span): turn 1 asks for the three mock calls, the tools run
 * as TOOL spans, turn 2 holds their results. `impatient`: turn 2 is sent before the slow tool ends
 * and without its result, which turn 3 then carries.
 */
export function pythonOpenInferenceRun(opts: { impatient: boolean; traceIdHex: string }): PythonFixture {
  const { impatient, traceIdHex } = opts;
  let n = 0;
  const spanHex = () => (++n).toString(16).padStart(16, 'a');
  const rootId = spanHex();
  const spans: unknown[] = [];
  const span = (name: string, start: number, end: number, attributes: Attr[]) =>
    spans.push({
      traceId: base64Of(traceIdHex),
      spanId: base64Of(spanHex()),
      parentSpanId: base64Of(rootId),
      name,
      kind: 'SPAN_KIND_INTERNAL',
      startTimeUnixNano: ns(start),
      endTimeUnixNano: ns(end),
      attributes,
      status: { code: 'STATUS_CODE_OK' },
    });
  const user = [
    attr('llm.input_messages.0.message.role', 'user'),
    attr('llm.input_messages.0.message.content', 'Weather?'),
  ];
  const assistantIn = (i: number) => [
    attr(`llm.input_messages.${i}.message.role`, 'assistant'),
    ...MOCK_CALLS.flatMap((c, k) => [
      attr(`llm.input_messages.${i}.message.tool_calls.${k}.tool_call.id`, c.id),
      attr(`llm.input_messages.${i}.message.tool_calls.${k}.tool_call.function.name`, c.name),
      attr(
        `llm.input_messages.${i}.message.tool_calls.${k}.tool_call.function.arguments`,
        JSON.stringify(c.args),
      ),
    ]),
  ];
  const toolIn = (i: number, id: string) => [
    attr(`llm.input_messages.${i}.message.role`, 'tool'),
    attr(`llm.input_messages.${i}.message.tool_call_id`, id),
    attr(`llm.input_messages.${i}.message.content`, `result of ${id}`),
  ];
  const llm = (start: number, end: number, input: Attr[], withCalls: boolean) =>
    span('ChatCompletion', start, end, [
      attr('openinference.span.kind', 'LLM'),
      attr('llm.model_name', 'gpt-4o-mini'),
      ...input,
      attr('llm.output_messages.0.message.role', 'assistant'),
      ...(withCalls
        ? MOCK_CALLS.flatMap((c, k) => [
            attr(`llm.output_messages.0.message.tool_calls.${k}.tool_call.id`, c.id),
            attr(`llm.output_messages.0.message.tool_calls.${k}.tool_call.function.name`, c.name),
            attr(
              `llm.output_messages.0.message.tool_calls.${k}.tool_call.function.arguments`,
              JSON.stringify(c.args),
            ),
          ])
        : [attr('llm.output_messages.0.message.content', 'Done.')]),
    ]);
  llm(0, 10, user, true);
  MOCK_CALLS.forEach((c, k) => {
    const slow = c.id === SLOW_CALL;
    span(c.name, 11 + k, slow ? 60 : 15 + k, [
      attr('openinference.span.kind', 'TOOL'),
      attr('tool.name', c.name),
      attr('tool.id', c.id),
      attr('input.value', JSON.stringify(c.args)),
      attr('input.mime_type', 'application/json'),
      attr('output.value', JSON.stringify(`result of ${c.id}`)),
      attr('output.mime_type', 'application/json'),
    ]);
  });
  const fast = MOCK_CALLS.filter((c) => c.id !== SLOW_CALL);
  if (impatient) {
    llm(20, 30, [...user, ...assistantIn(1), ...fast.flatMap((c, k) => toolIn(2 + k, c.id))], false);
    llm(
      70,
      80,
      [...user, ...assistantIn(1), ...fast.flatMap((c, k) => toolIn(2 + k, c.id)), ...toolIn(4, SLOW_CALL)],
      false,
    );
  } else
    llm(61, 70, [...user, ...assistantIn(1), ...MOCK_CALLS.flatMap((c, k) => toolIn(2 + k, c.id))], false);
  spans.push({
    traceId: base64Of(traceIdHex),
    spanId: base64Of(rootId),
    name: 'agent',
    kind: 'SPAN_KIND_INTERNAL',
    startTimeUnixNano: ns(0),
    endTimeUnixNano: ns(90),
    attributes: [attr('openinference.span.kind', 'AGENT'), attr('agent.name', 'weather-agent')],
    status: { code: 'STATUS_CODE_OK' },
  });
  return {
    request: {
      resourceSpans: [
        {
          resource: { attributes: [attr('service.name', 'py-agent'), attr('process.pid', 4242)] },
          scopeSpans: [{ scope: { name: 'openinference.instrumentation.openai' }, spans }],
        },
      ],
    },
    traceIdHex,
  };
}
