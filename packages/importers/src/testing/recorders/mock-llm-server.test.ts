// Tests for the shared mock LLM: the plan advances per answered call, the recorders' fixed mock
// finishes on any result, and both wire formats carry the planned calls.
import { afterEach, describe, expect, it } from 'vitest';
import { MOCK_CALLS, type MockLlm, startMockLlm, startPlanMockLlm } from './mock-llm-server.ts';

let llm: MockLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${llm!.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}
const toolMsg = (id: string) => ({ role: 'tool', tool_call_id: id, content: 'ok' });
const chatMessage = (r: Record<string, unknown>) =>
  (r.choices as { message: { content: string | null; tool_calls?: { id: string }[] } }[])[0]!.message;

describe('startPlanMockLlm', () => {
  const plan = [
    [{ id: 'a', name: 't', args: {} }],
    [
      { id: 'b', name: 't', args: {} },
      { id: 'c', name: 't', args: {} },
    ],
  ];

  it('asks for turn k once the earlier turns are answered, then for the final text', async () => {
    llm = await startPlanMockLlm(plan, 'Fin.');
    const ids = async (msgs: unknown[]) =>
      chatMessage(await post('/chat/completions', { messages: msgs })).tool_calls?.map((c) => c.id);
    expect(await ids([])).toEqual(['a']);
    expect(await ids([toolMsg('a')])).toEqual(['b', 'c']);
    expect(await ids([toolMsg('a'), toolMsg('b')])).toEqual(['b', 'c']);
    const last = chatMessage(await post('/chat/completions', { messages: ['a', 'b', 'c'].map(toolMsg) }));
    expect(last).toEqual({ role: 'assistant', content: 'Fin.', refusal: null });
  });

  it('reads Responses function_call_output items as results', async () => {
    llm = await startPlanMockLlm(plan);
    const r = await post('/responses', {
      input: [{ type: 'function_call_output', call_id: 'a', output: 'ok' }],
    });
    expect((r.output as { call_id: string }[]).map((o) => o.call_id)).toEqual(['b', 'c']);
  });
});

describe('startMockLlm (the recorders fixed plan)', () => {
  it('asks for the three MOCK_CALLS, then answers as soon as any result comes back', async () => {
    llm = await startMockLlm();
    const first = chatMessage(await post('/chat/completions', { messages: [] }));
    expect(first.tool_calls?.map((c) => c.id)).toEqual(MOCK_CALLS.map((c) => c.id));
    const partial = chatMessage(await post('/chat/completions', { messages: [toolMsg(MOCK_CALLS[0].id)] }));
    expect(partial.content).toBe('All three results are in.');
    expect(llm.requests).toHaveLength(2);
  });
});
