// OpenInference's LangChain instrumentation (@arizeai/openinference-instrumentation-langchain 4.1.1)
// on LangGraph.js (@langchain/langgraph 1.7.3, createReactAgent + ToolNode; @langchain/core 1.4.0,
// @langchain/openai 1.6.0), against the mock LLM. LLM spans carry call ids only in output.value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLangGraphAgent } from '../testing/recorders/langgraph-agent.ts';
import { MOCK_CALLS, type MockLlm, SLOW_CALL, startMockLlm } from '../testing/recorders/mock-llm-server.ts';
import { spanCapture } from '../testing/recorders/span-capture.ts';
import { verdictOf } from '../testing/recorders/verdict.ts';

let llm: MockLlm;
beforeAll(async () => {
  spanCapture();
  llm = await startMockLlm();
});
afterAll(() => llm.close());

describe.each([false, true])('LangGraph.js + OpenInference, streaming %s', (stream) => {
  it('a correct agent (ToolNode) keeps the real call ids and shows nothing above info', async () => {
    await runLangGraphAgent({ by: 'openinference', stream, agent: 'correct', baseURL: llm.url });
    expect(llm.requests.at(-1)?.stream ?? false).toBe(stream);
    const otlp = await spanCapture().takeOtlp();
    const v = verdictOf(otlp);
    expect(v.serious).toEqual([]);
    expect([...v.turns.values()]).toEqual([2]);
    expect(v.evidence).toEqual([]);
    expect(v.anomalies).toEqual([]);
    const { importOtlpJson } = await import('../otlp-json.ts');
    const events = [...importOtlpJson(otlp).values()][0]!;
    const response = events.find((e) => e.type === 'llm.response' && e.turn === 1);
    expect(response).toMatchObject({
      calls: MOCK_CALLS.map((c) => ({ id: c.id, name: c.name, args: c.args })),
    });
    expect(
      events
        .filter((e) => e.type === 'tool.end')
        .map((e) => 'call' in e && e.call)
        .sort(),
    ).toEqual(MOCK_CALLS.map((c) => c.id).sort());
  });

  it('a hand loop that asks before the slow tool is done: premature call and late commit on it', async () => {
    await runLangGraphAgent({ by: 'openinference', stream, agent: 'impatient', baseURL: llm.url });
    const v = verdictOf(await spanCapture().takeOtlp());
    // Every model call and tool is its own trace here: chained by messages and result texts.
    expect(v.runs).toHaveLength(1);
    expect(v.serious).toEqual([
      `late-commit|error|1|${SLOW_CALL}`,
      `premature-llm-call|error|2|${SLOW_CALL}`,
    ]);
  });
});
