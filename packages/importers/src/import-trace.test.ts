import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTraceText } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { importTrace, importTraceText, planTraceRead } from './import-trace.ts';
import { recordAgentOtlp } from './testing/record-genai-agent.ts';

const example = fileURLToPath(new URL('../../../../shared/examples/impatient-loop.jsonl', import.meta.url));

describe('importTraceText detects the format', () => {
  it('JSONL v1 reads exactly as the JSONL reader does', () => {
    const text = readFileSync(example, 'utf8');
    const res = importTraceText(text);
    expect(res.format).toBe('jsonl');
    expect(res.runs).toEqual(readTraceText(text).runs);
  });

  it('OTLP JSON, pretty-printed or as JSON lines of requests', () => {
    const otlp = recordAgentOtlp({ conversationId: 'c', turns: [{ start: 0, end: 5, calls: [] }] });
    expect(importTraceText(JSON.stringify(otlp, null, 2)).format).toBe('otlp');
    const lines = importTraceText(`${JSON.stringify(otlp)}\n${JSON.stringify(otlp)}\n`);
    expect(lines.format).toBe('otlp');
    expect([...lines.runs.keys()]).toEqual(['c']);
  });

  it('message histories, bare or in a request body', () => {
    const chat = [
      {
        role: 'assistant',
        tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ];
    expect(importTraceText(JSON.stringify(chat)).format).toBe('openai-chat');
    expect(importTraceText(JSON.stringify({ model: 'gpt', messages: chat }), { run: 'mine' })).toMatchObject({
      format: 'openai-chat',
    });
    expect([...importTraceText(JSON.stringify({ messages: chat }), { run: 'mine' }).runs.keys()]).toEqual([
      'mine',
    ]);
    expect(
      importTraceText(
        JSON.stringify({ input: [{ type: 'function_call', call_id: 'x', name: 'f', arguments: '' }] }),
      ).format,
    ).toBe('openai-responses');
    expect(
      importTraceText(
        JSON.stringify([
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
        ]),
      ).format,
    ).toBe('anthropic-messages');
  });

  it('bad input names the line or the JSON path', () => {
    expect(() =>
      importTraceText(
        '{"v":1,"run":"r","seq":0,"t":0,"type":"run.start"}\n{"v":1,"run":"r","seq":1,"type":"llm.request","turn":1}\n',
      ),
    ).toThrow('line 2: field t: required for llm.request, but missing');
    expect(() => importTraceText('[{"role": "user"')).toThrow(/^\$: not valid JSON/);
    expect(() => importTraceText('{"hello": "world"}')).toThrow(
      'line 1: field v: unsupported format version',
    );
  });

  it('an OTLP span whose conversation id is too long for a run id is named, in a file or JSON lines', () => {
    const otlp = recordAgentOtlp({ conversationId: 'c', turns: [{ start: 0, end: 5, calls: [] }] }) as {
      resourceSpans: { scopeSpans: { spans: { attributes: { key: string; value: unknown }[] }[] }[] }[];
    };
    const attr = otlp.resourceSpans[0]!.scopeSpans[0]!.spans.flatMap((s) => s.attributes).find(
      (a) => a.key === 'gen_ai.conversation.id',
    )!;
    attr.value = { stringValue: 'c'.repeat(250) };
    const message =
      /spans\[\d+\]\.attributes\[gen_ai\.conversation\.id\]: is 250 characters; .*a run id is at most 200$/;
    expect(() => importTraceText(JSON.stringify(otlp))).toThrow(message);
    expect(() => importTraceText(`${JSON.stringify(otlp)}\n${JSON.stringify(otlp)}\n`)).toThrow(
      /^line 1: \$\.resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[\d+\]\.attributes\[gen_ai\.conversation\.id\]/,
    );
  });
});

describe('importTrace returns every error, naming the source', () => {
  it('imports what importTraceText imports', () => {
    const text = readFileSync(example, 'utf8');
    const res = importTrace(text, { source: 'a.jsonl' });
    expect(res).toMatchObject({ ok: true, format: 'jsonl' });
    expect(res.ok && res.runs).toEqual(readTraceText(text).runs);
  });

  it('lists each bad JSONL line as file:line: field', () => {
    const res = importTrace('{"v":1}\n\nnot json\n', { source: 'a.jsonl' });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.errors).toEqual([
      expect.stringMatching(/^a\.jsonl:1: field /),
      expect.stringMatching(/^a\.jsonl:3: field \(line\): not valid JSON/),
    ]);
  });

  it('names the JSON path of a bad document', () => {
    expect(importTrace('[{"role": "user"', { source: '<stdin>' })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^<stdin>: \$: not valid JSON/)],
    });
  });
});

describe('planTraceRead decides from the first line', () => {
  const otlp = JSON.stringify(
    recordAgentOtlp({ conversationId: 'c', turns: [{ start: 0, end: 5, calls: [] }] }),
  );

  it('streams JSONL v1 and reads documents whole', () => {
    expect(planTraceRead('{"v":1,"run":"r","seq":0,"t":0,"type":"run.start"}\n{"v"')).toBe('jsonl');
    expect(planTraceRead('\uFEFF  [')).toBe('whole');
    expect(planTraceRead(`${otlp}\n${otlp.slice(0, 10)}`)).toBe('whole');
    expect(planTraceRead('{\n  "resourceSpans": [')).toBe('whole');
    expect(planTraceRead('garbage')).toBe('jsonl');
  });

  it('waits for the first line break unless the input has ended', () => {
    expect(planTraceRead('')).toBeUndefined();
    expect(planTraceRead('  {"v":1,"run"')).toBeUndefined();
    expect(planTraceRead('', true)).toBe('jsonl');
    expect(planTraceRead(otlp, true)).toBe('whole');
  });
});
