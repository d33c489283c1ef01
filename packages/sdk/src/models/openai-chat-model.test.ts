// Plays the chat-completions API with a local node:http server (no network): the adapter must send
// parallel tool calls back as one tool message per tool_call_id, in call order.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { analyzeEvents } from '@causelane/analysis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalExecutor } from '../causal-executor.ts';
import { realClock } from '../clock.ts';
import { runAgent } from '../run-agent.ts';
import { MemorySink } from '../sinks/memory-sink.ts';
import type { Tool } from '../tool.ts';
import { Tracer } from '../tracer.ts';
import { OpenAIChatModel, toChatMessages } from './openai-chat-model.ts';

interface ChatBody {
  model: string;
  messages: { role: string; content?: string | null; tool_call_id?: string; tool_calls?: { id: string }[] }[];
  tools?: { type: string; function: { name: string } }[];
  parallel_tool_calls?: boolean;
}

const requests: ChatBody[] = [];
let server: Server;
let baseURL: string;

async function body(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

function completion(message: Record<string, unknown>, finish: string) {
  return {
    id: `chatcmpl-${requests.length}`,
    object: 'chat.completion',
    created: 1_760_000_000,
    model: 'fake-1',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, ...message },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    const chat = JSON.parse(await body(req)) as ChatBody;
    requests.push(chat);
    const answered = chat.messages.filter((m) => m.role === 'tool').length;
    const reply =
      answered === 0
        ? completion(
            {
              tool_calls: [
                {
                  id: 'call_slow',
                  type: 'function',
                  function: { name: 'slow_lookup', arguments: '{"q":"a"}' },
                },
                {
                  id: 'call_fast',
                  type: 'function',
                  function: { name: 'fast_lookup', arguments: '{"q":"b"}' },
                },
              ],
            },
            'tool_calls',
          )
        : completion({ content: 'both lookups done' }, 'stop');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('OpenAIChatModel', () => {
  it('runs parallel tool_calls and answers every tool_call_id in call order', async () => {
    const sink = new MemorySink();
    const tracer = new Tracer({ run: 'openai', sinks: [sink] });
    const client = new OpenAI({ baseURL, apiKey: 'test-key', maxRetries: 0 });
    const model = new OpenAIChatModel({
      client,
      model: 'fake-1',
      prompt: 'look both up',
      system: 'be brief',
    });
    const lookup = (name: string, ms: number): Tool => ({
      name,
      description: `${name} lookup`,
      parameters: { type: 'object', properties: { q: { type: 'string' } } },
      run: async () => {
        await realClock.sleep(ms);
        return { hit: name };
      },
    });
    // Real HTTP and the real clock: the slow lookup finishes well after the fast one.
    const executor = new CausalExecutor();
    const result = await runAgent({
      model,
      tools: [lookup('slow_lookup', 80), lookup('fast_lookup', 1)],
      executor,
      tracer,
    });
    await tracer.close();

    expect(result).toMatchObject({ status: 'ok', turns: 2, text: 'both lookups done' });
    expect(requests).toHaveLength(2);
    expect(requests[0]!.parallel_tool_calls).toBe(true);
    expect(requests[0]!.tools!.map((t) => t.function.name)).toEqual(['slow_lookup', 'fast_lookup']);
    const second = requests[1]!.messages;
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool']);
    expect(second[2]!.tool_calls!.map((c) => c.id)).toEqual(['call_slow', 'call_fast']);
    // Call order, even though the fast lookup finished first.
    expect(second.slice(3).map((m) => m.tool_call_id)).toEqual(['call_slow', 'call_fast']);
    expect(JSON.parse(second[3]!.content!)).toEqual({ hit: 'slow_lookup' });
    const endOf = (call: string) => sink.events.find((e) => e.type === 'tool.end' && e.call === call)!.seq;
    expect(endOf('call_fast')).toBeLessThan(endOf('call_slow'));
    expect(analyzeEvents(sink.events).anomalies).toEqual([]);
  });

  it('refuses to build a request that would leave a tool_call_id unanswered', () => {
    expect(() =>
      toChatMessages(
        [
          {
            role: 'assistant',
            turn: 1,
            calls: [
              { id: 'a', name: 'x' },
              { id: 'b', name: 'x' },
            ],
          },
          { role: 'tool', turn: 1, call: 'a', name: 'x', ok: true, result: 1 },
        ],
        'hi',
      ),
    ).toThrow(
      'turn 1: no result committed for tool call b; the chat API requires one tool message per tool_call_id',
    );
  });
});
