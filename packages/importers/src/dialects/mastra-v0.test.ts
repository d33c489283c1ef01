// Mastra 0.24 recorded by the real packages (@mastra/core 0.24.9 as mastra-core-v0, AI tracing by
// @mastra/otel-exporter 0.3.3 as mastra-otel-exporter-v0; model via @ai-sdk/openai 2.0.53) against
// the mock LLM. Tool spans carry no call id: bound by name and arguments (two `weather` calls).
import { register } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOtlpJson } from '../otlp-json.ts';
import { MOCK_CALLS, type MockLlm, startMockLlm } from '../testing/recorders/mock-llm-server.ts';
import { verdictOf } from '../testing/recorders/verdict.ts';

register('../testing/recorders/mastra-v0-resolve-hook.mjs', import.meta.url);
const { runMastraV0Agent } = await import('../testing/recorders/mastra-v0-agent.ts');

let llm: MockLlm;
beforeAll(async () => {
  llm = await startMockLlm();
});
afterAll(() => llm.close());

describe.each([
  ['chat', false],
  ['chat', true],
  ['responses', false],
] as const)('Mastra 0.24, %s API, streaming %s', (api, stream) => {
  it('a correct agent: one run, the real call ids on the tool spans, nothing above info', async () => {
    const otlp = await runMastraV0Agent({ api, stream, baseURL: llm.url });
    expect(llm.requests.at(-1)?.stream ?? false).toBe(stream);
    const v = verdictOf(otlp);
    expect(v.anomalies.filter((a) => !a.includes('|info|'))).toEqual([]);
    expect([...v.turns.values()]).toEqual([2]);
    const events = [...importOtlpJson(otlp).values()][0]!;
    const ended = events.filter((e) => e.type === 'tool.end');
    expect(ended.map((e) => 'call' in e && e.call).sort()).toEqual(MOCK_CALLS.map((c) => c.id).sort());
    // Each weather span bound to its own call by its arguments.
    expect(ended.find((e) => 'call' in e && e.call === 'call_Wx2Tokyo')).toMatchObject({
      result: 'Tokyo: 18C, clear',
    });
  });
});
