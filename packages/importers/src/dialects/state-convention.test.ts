// The span attribute convention for a tool's state: causelane.state.reads / causelane.state.writes
// (JSON arrays of {key, version}) on tool spans of any dialect, so state anomalies show from OTLP.
import { describe, expect, it } from 'vitest';
import { importOtlpJson } from '../otlp-json.ts';
import { verdictOf } from '../testing/recorders/verdict.ts';

const s = (key: string, v: string) => ({ key, value: { stringValue: v } });
const T0 = 1_760_000_000_000n;
const span = (id: string, name: string, start: number, end: number, attributes: unknown[]) => ({
  traceId: '5f0c'.padEnd(32, '0'),
  spanId: id.padStart(16, '0'),
  name,
  startTimeUnixNano: String((T0 + BigInt(start)) * 1_000_000n),
  endTimeUnixNano: String((T0 + BigInt(end)) * 1_000_000n),
  attributes,
});

type ToolAttrs = (id: string, name: string) => unknown[];
const dialects: [string, ToolAttrs][] = [
  [
    'otel-genai',
    (id, name) => [
      s('gen_ai.operation.name', 'execute_tool'),
      s('gen_ai.tool.name', name),
      s('gen_ai.tool.call.id', id),
    ],
  ],
  [
    'openinference',
    (id, name) => [s('openinference.span.kind', 'TOOL'), s('tool.name', name), s('tool.id', id)],
  ],
  [
    'ai-sdk',
    (id, name) => [s('ai.operationId', 'ai.toolCall'), s('ai.toolCall.name', name), s('ai.toolCall.id', id)],
  ],
  [
    'openllmetry',
    (id, name) => [
      s('traceloop.span.kind', 'tool'),
      s('traceloop.entity.name', name),
      s('gen_ai.tool.call.id', id),
    ],
  ],
];

function run(tool: ToolAttrs, reads: string, writes: string, readStart = 11) {
  const calls = [
    { type: 'tool_call', id: 'call_read', name: 'read_profile', arguments: {} },
    { type: 'tool_call', id: 'call_write', name: 'update_profile', arguments: {} },
  ];
  const chat = (id: string, start: number, end: number, input: unknown[], output: unknown[]) =>
    span(id, 'chat', start, end, [
      s('gen_ai.operation.name', 'chat'),
      s('gen_ai.input.messages', JSON.stringify(input)),
      s('gen_ai.output.messages', JSON.stringify(output)),
    ]);
  const user = { role: 'user', parts: [{ type: 'text', content: 'update my profile' }] };
  const asked = { role: 'assistant', parts: calls };
  const results = ['call_read', 'call_write'].map((id) => ({
    role: 'tool',
    parts: [{ type: 'tool_call_response', id, response: 'ok' }],
  }));
  return {
    resourceSpans: [
      {
        resource: { attributes: [s('service.name', 'profile-agent')] },
        scopeSpans: [
          {
            spans: [
              chat('1', 0, 10, [user], [asked]),
              // The read and the write run in parallel; the write lands first, the read returns old data.
              span('2', 'read_profile', readStart, 30, [
                ...tool('call_read', 'read_profile'),
                s('causelane.state.reads', reads),
              ]),
              span('3', 'update_profile', 11, 20, [
                ...tool('call_write', 'update_profile'),
                s('causelane.state.writes', writes),
              ]),
              chat(
                '4',
                31,
                40,
                [user, asked, ...results],
                [{ role: 'assistant', parts: [{ type: 'text', content: 'done' }] }],
              ),
            ],
          },
        ],
      },
    ],
  };
}

describe.each(dialects)('causelane.state.* on %s tool spans', (_name, tool) => {
  it('reads and writes reach tool.end, and the read of a version already overwritten is a stale read', () => {
    const otlp = run(tool, '[{"key":"profile","version":1}]', '[{"key":"profile","version":2}]');
    const events = [...importOtlpJson(otlp).values()][0]!;
    expect(events.find((e) => e.type === 'tool.end' && e.call === 'call_read')).toMatchObject({
      reads: [{ key: 'profile', version: 1 }],
    });
    expect(verdictOf(otlp).serious).toEqual(['stale-read|error|1|call_read']);
  });

  it('a read concurrent with a write of its key is an rw-race; after the write it is clean', () => {
    const both = '[{"key":"profile","version":2}]';
    expect(verdictOf(run(tool, both, both)).serious).toEqual(['rw-race|warning|1|call_read']);
    expect(verdictOf(run(tool, both, both, 21)).serious).toEqual([]);
  });
});

describe('a malformed state attribute', () => {
  it('is an error naming the span attribute and the field', () => {
    const tool = dialects[0]![1];
    expect(() => importOtlpJson(run(tool, '[{"key":"profile","version":-1}]', '[]'))).toThrow(
      '$.resourceSpans[0].scopeSpans[0].spans[1].attributes[causelane.state.reads][0].version: expected an integer >= 0, got -1',
    );
    expect(() => importOtlpJson(run(tool, '{"key":"profile"}', '[]'))).toThrow(
      'attributes[causelane.state.reads]: expected a JSON array of {key, version}',
    );
  });
});
