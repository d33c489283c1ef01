// Test support: a loopback mock of OpenAI's HTTP API (Chat Completions and Responses, JSON and SSE)
// that plays a plan: turn k asks for the k-th list of parallel tool calls, then answers with text.
// The turn is read from how many tool results the request carries, so any client loop drives it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlannedCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** Turn k of the plan lists the calls the model asks for, in parallel, on its k-th turn. */
export type Plan = readonly (readonly PlannedCall[])[];

/** The recorders' fixed plan: three parallel calls, `weather` twice (same name), Tokyo is the slow one. */
export const MOCK_CALLS = [
  { id: 'call_Wx1Paris', name: 'weather', args: { city: 'Paris' } },
  { id: 'call_Wx2Tokyo', name: 'weather', args: { city: 'Tokyo' } },
  { id: 'call_Clk3UTC', name: 'clock', args: { zone: 'UTC' } },
] as const;
export const SLOW_CALL = 'call_Wx2Tokyo';

export interface MockLlm {
  /** Base URL ending in /v1, for `baseURL` options. */
  url: string;
  /** Request bodies received, in order. */
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

type Body = Record<string, unknown>;

/** Tool results in the request, in order: chat `tool` messages or Responses `function_call_output` items. */
export function toolResultIds(body: Body): string[] {
  const ids: string[] = [];
  for (const m of Array.isArray(body.messages) ? (body.messages as Body[]) : [])
    if (m?.role === 'tool') ids.push(String(m.tool_call_id));
  for (const i of Array.isArray(body.input) ? (body.input as Body[]) : [])
    if (i?.type === 'function_call_output') ids.push(String(i.call_id));
  return ids;
}

/** The calls to ask for now: the first planned turn whose calls are not all answered yet. */
function callsFor(plan: Plan, body: Body, opts: MockLlmOptions): readonly PlannedCall[] {
  let answered = toolResultIds(body).length;
  if (opts.finishOnAnyResult && answered > 0) return [];
  for (const turn of plan) {
    if (answered < turn.length) return turn;
    answered -= turn.length;
  }
  return [];
}

const usageChat = { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 };
const usageResponses = {
  input_tokens: 20,
  output_tokens: 10,
  total_tokens: 30,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens_details: { reasoning_tokens: 0 },
};

export interface MockLlmOptions {
  /** Chat Completions finish_reason of a turn that asks for calls (default `tool_calls`). */
  callsFinishReason?: string;
  /** Answer with the final text once the request carries any tool result, answered in full or not. */
  finishOnAnyResult?: boolean;
}

function chat(
  body: Body,
  n: number,
  calls: readonly PlannedCall[],
  text: string,
  res: ServerResponse,
  opts: MockLlmOptions,
): void {
  const id = `chatcmpl-${n}`;
  const created = Math.floor(Date.now() / 1000);
  const model = String(body.model ?? 'gpt-4o-mini');
  const done = calls.length === 0;
  const toolCalls = calls.map((c) => ({
    id: c.id,
    type: 'function',
    function: { name: c.name, arguments: JSON.stringify(c.args) },
  }));
  if (!body.stream) {
    const message = done
      ? { role: 'assistant', content: text, refusal: null }
      : { role: 'assistant', content: null, refusal: null, tool_calls: toolCalls };
    const finish_reason = done ? 'stop' : (opts.callsFinishReason ?? 'tool_calls');
    const choice = { index: 0, message, logprobs: null, finish_reason };
    json(res, { id, object: 'chat.completion', created, model, choices: [choice], usage: usageChat });
    return;
  }
  const chunk = (delta: Body, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const events: Body[] = [chunk({ role: 'assistant', content: done ? '' : null })];
  if (done) events.push(chunk({ content: text }));
  else
    toolCalls.forEach((tc, index) => {
      events.push(chunk({ tool_calls: [{ index, ...tc }] }));
    });
  events.push(chunk({}, done ? 'stop' : (opts.callsFinishReason ?? 'tool_calls')));
  if ((body.stream_options as Body | undefined)?.include_usage)
    events.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageChat });
  sse(
    res,
    events.map((data) => ({ data })),
    true,
  );
}

function responses(
  body: Body,
  n: number,
  calls: readonly PlannedCall[],
  text: string,
  res: ServerResponse,
): void {
  const output: Body[] =
    calls.length === 0
      ? [
          {
            type: 'message',
            id: `msg_${n}`,
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text, annotations: [] }],
          },
        ]
      : calls.map((c, i) => ({
          type: 'function_call',
          id: `fc_${n}_${i}`,
          call_id: c.id,
          name: c.name,
          arguments: JSON.stringify(c.args),
          status: 'completed',
        }));
  const response = (status: string, out: Body[]) => ({
    id: `resp_${n}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model: String(body.model ?? 'gpt-4o-mini'),
    output: out,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: body.tools ?? [],
    text: { format: { type: 'text' } },
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    metadata: {},
    temperature: 1,
    top_p: 1,
    usage: status === 'completed' ? usageResponses : null,
  });
  if (!body.stream) {
    json(res, response('completed', output));
    return;
  }
  let seq = 0;
  const ev = (type: string, data: Body) => ({ event: type, data: { type, sequence_number: seq++, ...data } });
  const events = [
    ev('response.created', { response: response('in_progress', []) }),
    ev('response.in_progress', { response: response('in_progress', []) }),
  ];
  output.forEach((item, output_index) => {
    if (item.type === 'function_call') {
      events.push(
        ev('response.output_item.added', { output_index, item: { ...item, arguments: '' } }),
        ev('response.function_call_arguments.delta', {
          output_index,
          item_id: item.id,
          delta: item.arguments,
        }),
        ev('response.function_call_arguments.done', {
          output_index,
          item_id: item.id,
          arguments: item.arguments,
        }),
      );
    } else {
      const part = { type: 'output_text', text: '', annotations: [] };
      events.push(
        ev('response.output_item.added', { output_index, item: { ...item, content: [] } }),
        ev('response.content_part.added', { output_index, item_id: item.id, content_index: 0, part }),
        ev('response.output_text.delta', { output_index, item_id: item.id, content_index: 0, delta: text }),
        ev('response.output_text.done', { output_index, item_id: item.id, content_index: 0, text }),
      );
    }
    events.push(ev('response.output_item.done', { output_index, item }));
  });
  events.push(ev('response.completed', { response: response('completed', output) }));
  sse(res, events, false);
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sse(res: ServerResponse, events: { event?: string; data: unknown }[], done: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events)
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Body) : {};
}

/** Starts the plan mock on 127.0.0.1, port 0. */
export async function startPlanMockLlm(
  plan: Plan,
  finalText = 'Done.',
  opts: MockLlmOptions = {},
): Promise<MockLlm> {
  const requests: Body[] = [];
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        requests.push(body);
        const n = requests.length;
        const calls = callsFor(plan, body, opts);
        if (req.url?.endsWith('/chat/completions')) chat(body, n, calls, finalText, res, opts);
        else if (req.url?.endsWith('/responses')) responses(body, n, calls, finalText, res);
        else {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `mock LLM: no route ${req.method} ${req.url}` } }));
        }
      })
      .catch((err: Error) => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: err.message } }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The recorders' mock: asks for `MOCK_CALLS` at once, then answers once any result comes back. */
export function startMockLlm(): Promise<MockLlm> {
  return startPlanMockLlm([MOCK_CALLS], 'All three results are in.', { finishOnAnyResult: true });
}

/** The tools' behaviour: `weather` for Tokyo takes `slowMs`, the others 5 ms. */
export async function runMockTool(name: string, args: { city?: string; zone?: string }, slowMs = 120) {
  const slow = name === 'weather' && args.city === 'Tokyo';
  await new Promise((r) => setTimeout(r, slow ? slowMs : 5));
  return name === 'weather' ? `${args.city}: 18C, clear` : `${args.zone}: 12:00`;
}
