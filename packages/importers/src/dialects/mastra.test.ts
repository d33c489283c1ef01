// Mastra 1.x recorded by the real packages (@mastra/core 1.71.0, @mastra/observability 1.17.9,
// @mastra/otel-exporter 1.4.0; model via @ai-sdk/openai 3.0.141) against the mock LLM. Mastra runs
// its own tool loop: there is no buggy variant to record (see docs/importers.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOtlpJson } from '../otlp-json.ts';
import { runMastraAgent } from '../testing/recorders/mastra-agent.ts';
import { MOCK_CALLS, type MockLlm, startMockLlm } from '../testing/recorders/mock-llm-server.ts';
import { verdictOf } from '../testing/recorders/verdict.ts';

let llm: MockLlm;
beforeAll(async () => {
  llm = await startMockLlm();
});
afterAll(() => llm.close());

describe.each([
  ['chat', false],
  ['responses', true],
] as const)('Mastra 1.x, %s API, streaming %s', (api, stream) => {
  it('a correct agent: calls from the step output, tools by gen_ai.tool.call.id, nothing above info', async () => {
    const otlp = await runMastraAgent({ api, stream, baseURL: llm.url });
    expect(llm.requests.at(-1)?.stream ?? false).toBe(stream);
    const v = verdictOf(otlp);
    expect(v.serious).toEqual([]);
    expect([...v.turns.values()]).toEqual([2]);
    const events = [...importOtlpJson(otlp).values()][0]!;
    expect(events.find((e) => e.type === 'llm.response' && e.turn === 1)).toMatchObject({
      calls: MOCK_CALLS.map((c) => ({ id: c.id, name: c.name, args: c.args })),
    });
    expect(events.filter((e) => e.type === 'tool.end')).toHaveLength(3);
    // Mastra 1.x writes tool results into the step input as "[tool-result: name]" text.
    expect(v.evidence).toEqual([
      'tool results carry no call ids: bound to calls by position (commit order cannot be seen)',
    ]);
  });
});
