// Hand-built OTLP JSON for agents without a root span: each model call a trace of its own, its GenAI
// messages the only link between them (what run placement and span links chain by).

/** An OTLP string attribute. */
export const stringAttr = (key: string, v: string) => ({ key, value: { stringValue: v } });

export const ROOTLESS_T0 = 1_760_000_000_000n;

export const userMessage = (content: string) => ({ role: 'user', parts: [{ type: 'text', content }] });

/** The assistant asking for tool calls with these ids. */
export const askedMessage = (...ids: string[]) => ({
  role: 'assistant',
  parts: ids.map((id) => ({ type: 'tool_call', id, name: 'weather', arguments: {} })),
});

export const answeredMessage = (id: string, response: string) => ({
  role: 'tool',
  parts: [{ type: 'tool_call_response', id, response }],
});

/**
 * Chat span number `n` in trace `n`, starting `start` ms after ROOTLESS_T0 and lasting 5 ms;
 * without `input`, no gen_ai.input.messages (they are opt-in).
 */
export function rootlessChatSpan(n: number, start: number, input: unknown[] | undefined, output: unknown[]) {
  return {
    traceId: n.toString(16).padStart(32, '0'),
    spanId: n.toString(16).padStart(16, '0'),
    name: 'chat m',
    startTimeUnixNano: String((ROOTLESS_T0 + BigInt(start)) * 1_000_000n),
    endTimeUnixNano: String((ROOTLESS_T0 + BigInt(start + 5)) * 1_000_000n),
    attributes: [
      stringAttr('gen_ai.operation.name', 'chat'),
      ...(input ? [stringAttr('gen_ai.input.messages', JSON.stringify(input))] : []),
      stringAttr('gen_ai.output.messages', JSON.stringify(output)),
    ],
  };
}

/** An OTLP export request of these spans from the process `pid` of service "agent". */
export const rootlessRequest = (spans: unknown[], pid: string) => ({
  resourceSpans: [
    {
      resource: { attributes: [stringAttr('service.name', 'agent'), stringAttr('process.pid', pid)] },
      scopeSpans: [{ spans }],
    },
  ],
});
