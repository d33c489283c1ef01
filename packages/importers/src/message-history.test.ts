// Hand-written message histories with known faults, in all three provider formats.
import { analyzeRuns, anomalyKey } from '@causelane/analysis';
import { validateEvent } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { importAnthropicMessages } from './anthropic-messages.ts';
import { importDocument } from './import-trace.ts';
import { importOpenAiChat } from './openai-chat.ts';
import { importOpenAiResponses } from './openai-responses.ts';

const keysOf = (events: ReturnType<typeof importOpenAiChat>) =>
  analyzeRuns(new Map([['h', events]])).anomalies.map((a) => anomalyKey(a).split('|').slice(1).join('|'));

const chatCall = (id: string, name: string) => ({
  id,
  type: 'function',
  function: { name, arguments: `{"id":"${id}"}` },
});
const user = { role: 'user', content: 'book a table and check the weather' };

describe('OpenAI Chat Completions messages', () => {
  it('a complete history is clean and valid', () => {
    const events = importOpenAiChat(
      [
        { role: 'system', content: 'be brief' },
        user,
        { role: 'assistant', content: null, tool_calls: [chatCall('c1', 'book'), chatCall('c2', 'weather')] },
        { role: 'tool', tool_call_id: 'c1', content: 'booked' },
        { role: 'tool', tool_call_id: 'c2', content: 'sunny' },
        { role: 'assistant', content: 'done' },
      ],
      'h',
    );
    for (const e of events) expect(validateEvent(e).ok).toBe(true);
    expect(keysOf(events)).toEqual([]);
    expect(events.find((e) => e.type === 'llm.response')).toMatchObject({
      calls: [{ id: 'c1', name: 'book', args: { id: 'c1' } }, { id: 'c2' }],
    });
  });

  it('a missing tool result before the next request is a premature-llm-call (the API would refuse it)', () => {
    // Ends with a user message: this is the body about to be sent.
    const events = importOpenAiChat(
      [
        user,
        { role: 'assistant', tool_calls: [chatCall('c1', 'book'), chatCall('c2', 'weather')] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        user,
      ],
      'h',
    );
    expect(keysOf(events)).toEqual(['premature-llm-call|error|2|c2']);
  });

  it('a result for an unknown id is an unmatched-result', () => {
    const events = importOpenAiChat(
      [
        user,
        { role: 'assistant', tool_calls: [chatCall('c1', 'book')] },
        { role: 'tool', tool_call_id: 'c1' },
        { role: 'tool', tool_call_id: 'c9' },
      ],
      'h',
    );
    expect(keysOf(events)).toEqual(['unmatched-result|error|1|c9']);
  });

  it('results out of call order are a commit-order warning', () => {
    const events = importOpenAiChat(
      [
        user,
        { role: 'assistant', tool_calls: [chatCall('c1', 'book'), chatCall('c2', 'weather')] },
        { role: 'tool', tool_call_id: 'c2' },
        { role: 'tool', tool_call_id: 'c1' },
        { role: 'assistant', content: 'done' },
      ],
      'h',
    );
    expect(keysOf(events)).toEqual(['commit-order|warning|1|']);
  });

  it('names the path of a malformed message', () => {
    expect(() => importOpenAiChat([user, { role: 'tool', content: 'x' }], 'h')).toThrow(
      '$[1].tool_call_id: expected a non-empty string, got missing',
    );
    expect(() => importOpenAiChat([user, 7], 'h', '$.messages')).toThrow(
      '$.messages[1]: expected an object, got 7',
    );
  });
});

describe('OpenAI Responses input items', () => {
  it('groups output items into turns and finds a missing function_call_output', () => {
    const items = [
      { role: 'user', content: 'weather in Paris and Rome?' },
      { type: 'reasoning', id: 'rs_1', summary: [] },
      { type: 'function_call', call_id: 'p', name: 'weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call', call_id: 'r', name: 'weather', arguments: '{"city":"Rome"}' },
      { type: 'function_call_output', call_id: 'p', output: '18C' },
    ];
    const events = importOpenAiResponses(items, 'h');
    expect(events.filter((e) => e.type === 'llm.response')).toHaveLength(1);
    expect(keysOf(events)).toEqual(['premature-llm-call|error|2|r']);
    expect(
      keysOf(
        importOpenAiResponses([...items, { type: 'function_call_output', call_id: 'r', output: '21C' }], 'h'),
      ),
    ).toEqual([]);
  });

  it('flags an output for an unknown call_id, and outputs out of order', () => {
    const base = [
      { type: 'function_call', call_id: 'p', name: 'weather', arguments: '{}' },
      { type: 'function_call', call_id: 'r', name: 'weather', arguments: '{}' },
    ];
    const unknown = importOpenAiResponses(
      [
        ...base,
        { type: 'function_call_output', call_id: 'p', output: '' },
        { type: 'function_call_output', call_id: 'r', output: '' },
        { type: 'function_call_output', call_id: 'x', output: '' },
      ],
      'h',
    );
    expect(keysOf(unknown)).toEqual(['unmatched-result|error|1|x']);
    const swapped = importOpenAiResponses(
      [
        ...base,
        { type: 'function_call_output', call_id: 'r', output: '' },
        { type: 'function_call_output', call_id: 'p', output: '' },
      ],
      'h',
    );
    expect(keysOf(swapped)).toEqual(['commit-order|warning|1|']);
  });
});

describe('Anthropic Messages', () => {
  const toolUse = (id: string, name: string) => ({ type: 'tool_use', id, name, input: { id } });
  const result = (id: string, isError = false) => ({
    type: 'tool_result',
    tool_use_id: id,
    content: 'x',
    is_error: isError,
  });

  it('maps tool_use / tool_result blocks and finds the three faults', () => {
    const ask = {
      role: 'assistant',
      content: [{ type: 'text', text: 'checking' }, toolUse('t1', 'book'), toolUse('t2', 'weather')],
    };
    const clean = importAnthropicMessages(
      [{ role: 'user', content: 'hi' }, ask, { role: 'user', content: [result('t1', true), result('t2')] }],
      'h',
    );
    expect(keysOf(clean)).toEqual([]);
    expect(clean.find((e) => e.type === 'tool.end' && e.call === 't1')).toMatchObject({ ok: false });

    const missing = importAnthropicMessages(
      [
        { role: 'user', content: 'hi' },
        ask,
        { role: 'user', content: [result('t1'), { type: 'text', text: 'and?' }] },
      ],
      'h',
    );
    expect(keysOf(missing)).toEqual(['premature-llm-call|error|2|t2']);

    const unknown = importAnthropicMessages(
      [ask, { role: 'user', content: [result('t1'), result('t2'), result('zz')] }],
      'h',
    );
    expect(keysOf(unknown)).toEqual(['unmatched-result|error|1|zz']);

    const swapped = importAnthropicMessages(
      [ask, { role: 'user', content: [result('t2'), result('t1')] }, { role: 'assistant', content: 'ok' }],
      'h',
    );
    expect(keysOf(swapped)).toEqual(['commit-order|warning|1|']);
  });

  it('is detected inside a request body', () => {
    const res = importDocument(
      {
        model: 'claude',
        messages: [
          { role: 'assistant', content: [toolUse('t1', 'book')] },
          { role: 'user', content: [result('t1')] },
        ],
      },
      { run: 'req' },
    );
    expect(res.format).toBe('anthropic-messages');
    expect([...res.runs.keys()]).toEqual(['req']);
  });
});
