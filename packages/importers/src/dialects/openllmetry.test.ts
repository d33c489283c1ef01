// OpenLLMetry JS 0.22 recorded by the real instrumentations: @traceloop/instrumentation-openai 0.22.5
// on openai 5.23.2 (flattened gen_ai.prompt.N / gen_ai.completion.N.tool_calls.M, no ids) and
// @traceloop/instrumentation-langchain 0.22.6 on LangGraph.js (every span its own trace).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLangGraphAgent } from '../testing/recorders/langgraph-agent.ts';
import { type MockLlm, SLOW_CALL, startMockLlm } from '../testing/recorders/mock-llm-server.ts';
import { spanCapture } from '../testing/recorders/span-capture.ts';
import { runTraceloopOpenAiAgent } from '../testing/recorders/traceloop-openai-agent.ts';
import { verdictOf } from '../testing/recorders/verdict.ts';

let llm: MockLlm;
beforeAll(async () => {
  spanCapture();
  llm = await startMockLlm();
});
afterAll(() => llm.close());

describe.each([
  [false, false],
  [true, true],
])('OpenLLMetry 0.22 on the openai client, streaming %s, root span %s', (stream, root) => {
  it('a correct loop: one run, results bound by position, nothing above info', async () => {
    await runTraceloopOpenAiAgent({ stream, root, agent: 'correct', baseURL: llm.url });
    expect(llm.requests.at(-1)?.stream ?? false).toBe(stream);
    const v = verdictOf(await spanCapture().takeOtlp());
    expect(v.serious).toEqual([]);
    expect([...v.turns.values()]).toEqual([2]);
    expect(v.evidence).toContain(
      'tool results carry no call ids: bound to calls by position (commit order cannot be seen)',
    );
  });

  it('an impatient loop: no ids and no tool spans cannot tell which call was left out, so no accusation', async () => {
    await runTraceloopOpenAiAgent({ stream, root, agent: 'impatient', baseURL: llm.url });
    const v = verdictOf(await spanCapture().takeOtlp());
    expect([...v.turns.values()]).toEqual([3]);
    expect(v.serious).toEqual([]);
    expect(v.evidence.join('\n')).toMatch(/turn 2: 2 tool result\(s\) without call ids answer 3 call\(s\)/);
  });
});

// Under this instrumentation LangGraph does not stream the model (streamMode "messages" included):
// only the non-streaming run is recorded.
describe.each([false])('OpenLLMetry 0.22 on LangGraph.js, streaming %s', (stream) => {
  it('a correct agent: 12+ one-span traces make one run with the ToolMessages ids, nothing above info', async () => {
    await runLangGraphAgent({ by: 'traceloop', stream, agent: 'correct', baseURL: llm.url });
    expect(llm.requests.at(-1)?.stream ?? false).toBe(stream);
    const v = verdictOf(await spanCapture().takeOtlp());
    expect(v.runs).toHaveLength(1);
    expect([...v.turns.values()]).toEqual([2]);
    expect(v.serious).toEqual([]);
    expect(v.warnings).toEqual([]);
  });

  it('an impatient loop: premature call and late commit on the slow call', async () => {
    await runLangGraphAgent({ by: 'traceloop', stream, agent: 'impatient', baseURL: llm.url });
    const v = verdictOf(await spanCapture().takeOtlp());
    expect(v.runs).toHaveLength(1);
    expect(v.serious).toEqual([
      `late-commit|error|1|${SLOW_CALL}`,
      `premature-llm-call|error|2|${SLOW_CALL}`,
    ]);
  });
});
