// OpenLLMetry JS 0.27 (@traceloop/instrumentation-openai 0.27.0, alias traceloop-instrumentation-
// openai-v27) on openai 5.23.2: GenAI conventions with call ids; each model call its own trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe.each([false, true])('OpenLLMetry 0.27 on the openai client, streaming %s', (stream) => {
  it('a correct loop without a root span: one run of two turns, nothing above info', async () => {
    await runTraceloopOpenAiAgent({
      version: '0.27',
      stream,
      root: false,
      agent: 'correct',
      baseURL: llm.url,
    });
    expect(llm.requests.at(-1)?.stream ?? false).toBe(stream);
    const v = verdictOf(await spanCapture().takeOtlp());
    expect(v.serious).toEqual([]);
    expect([...v.turns.values()]).toEqual([2]);
  });

  it('an impatient loop: premature call and late commit on the slow call', async () => {
    await runTraceloopOpenAiAgent({
      version: '0.27',
      stream,
      root: false,
      agent: 'impatient',
      baseURL: llm.url,
    });
    const v = verdictOf(await spanCapture().takeOtlp());
    expect(v.runs).toHaveLength(1);
    expect(v.serious).toEqual([
      `late-commit|error|1|${SLOW_CALL}`,
      `premature-llm-call|error|2|${SLOW_CALL}`,
    ]);
  });
});
