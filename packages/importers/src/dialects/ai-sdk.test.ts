// AI SDK spans recorded by the real packages (ai 6.0.326 via the ai-v6 alias with @ai-sdk/openai
// 3.0.141; ai 7.0.173 with @ai-sdk/openai 4.0.118 and @ai-sdk/otel 1.0.173) against the mock LLM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiSdkVersion, type Api, runAiSdkAgent } from '../testing/recorders/ai-sdk-agent.ts';
import { type MockLlm, SLOW_CALL, startMockLlm } from '../testing/recorders/mock-llm-server.ts';
import { spanCapture } from '../testing/recorders/span-capture.ts';
import { verdictOf } from '../testing/recorders/verdict.ts';

let llm: MockLlm;
beforeAll(async () => {
  spanCapture();
  llm = await startMockLlm();
});
afterAll(() => llm.close());

async function record(
  version: AiSdkVersion,
  api: Api,
  stream: boolean,
  agent: 'correct' | 'impatient' | 'arrival-order',
) {
  await runAiSdkAgent({ version, api, stream, agent, baseURL: llm.url });
  expect(llm.requests.at(-1)?.stream ?? false).toBe(stream);
  return spanCapture().takeOtlp();
}

const cases: [AiSdkVersion, Api, boolean][] = [
  ['6', 'chat', false],
  ['6', 'responses', true],
  ['7-legacy', 'chat', true],
  ['7-legacy', 'responses', false],
  ['7-otel', 'chat', false],
  ['7-otel', 'responses', true],
];

describe.each(cases)('AI SDK %s, %s API, streaming %s', (version, api, stream) => {
  it('a correct agent (the SDK loop) shows one run of two turns and nothing above info', async () => {
    const v = verdictOf(await record(version, api, stream, 'correct'));
    expect(v.serious).toEqual([]);
    expect(v.runs).toHaveLength(1);
    expect([...v.turns.values()]).toEqual([2]);
    // Tool spans with ids: nothing the spans could not show.
    expect(v.evidence).toEqual([]);
  });

  it('an impatient loop (next request before the slow call ended) is a premature call on that call', async () => {
    const v = verdictOf(await record(version, api, stream, 'impatient'));
    // Two generateText calls, no root span: chained into one run by their messages.
    expect(v.runs).toHaveLength(1);
    expect(v.serious).toEqual([`premature-llm-call|error|2|${SLOW_CALL}`]);
    expect(v.evidence).toContain(
      "no tool spans: tool start and end times unknown; calls and commits come from the model calls' messages",
    );
  });

  it('a loop that writes results in arrival order (slow one last) is a commit-order warning on turn 1', async () => {
    const v = verdictOf(await record(version, api, stream, 'arrival-order'));
    expect(v.serious).toEqual(['commit-order|warning|1|']);
  });
});
