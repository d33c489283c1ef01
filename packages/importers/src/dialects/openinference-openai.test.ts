// OpenInference's OpenAI instrumentation (@arizeai/openinference-instrumentation-openai 4.2.7) on
// the OpenAI Agents SDK (@openai/agents 0.20.0, openai 7.59.0) and on a hand loop, against the mock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockLlm, SLOW_CALL, startMockLlm } from '../testing/recorders/mock-llm-server.ts';
import { runOpenAiAgentsAgent } from '../testing/recorders/openai-agents-agent.ts';
import { spanCapture } from '../testing/recorders/span-capture.ts';
import { verdictOf } from '../testing/recorders/verdict.ts';

let llm: MockLlm;
beforeAll(async () => {
  spanCapture();
  llm = await startMockLlm();
});
afterAll(() => llm.close());

const NO_TOOL_SPANS =
  "no tool spans: tool start and end times unknown; calls and commits come from the model calls' messages";

describe.each([
  ['responses', false],
  ['responses', true],
  ['chat', false],
] as const)('OpenAI Agents SDK + OpenInference, %s API, streaming %s', (api, stream) => {
  it('a correct agent (the SDK loop, no root span) is one run of two turns, nothing above info', async () => {
    await runOpenAiAgentsAgent({ api, stream, agent: 'correct', baseURL: llm.url });
    expect(llm.requests.at(-1)?.stream ?? false).toBe(stream);
    const v = verdictOf(await spanCapture().takeOtlp());
    expect(v.serious).toEqual([]);
    expect([...v.turns.values()]).toEqual([2]);
    // The Agents SDK's tools are not OTel spans: the run says so.
    expect(v.evidence).toEqual([NO_TOOL_SPANS]);
  });
});

describe.each([false, true])('a hand loop on the Responses API, streaming %s', (stream) => {
  it('asking again before the slow call is back: premature call and late commit on that call', async () => {
    await runOpenAiAgentsAgent({ api: 'responses', stream, agent: 'impatient', baseURL: llm.url });
    const v = verdictOf(await spanCapture().takeOtlp());
    expect([...v.turns.values()]).toEqual([3]);
    expect(v.serious).toEqual([
      `late-commit|error|1|${SLOW_CALL}`,
      `premature-llm-call|error|2|${SLOW_CALL}`,
    ]);
  });
});
