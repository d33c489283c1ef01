// The message-history lint on histories the real SDKs return: AI SDK ModelMessage[] (generateText's
// response.messages, ai 6.0.326 and 7.0.173) and the OpenAI Agents SDK's result.history (0.20.0).
import { analyzeRuns } from '@causelane/analysis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTraceText } from './import-trace.ts';
import { runAiSdkAgent } from './testing/recorders/ai-sdk-agent.ts';
import { type MockLlm, SLOW_CALL, startMockLlm } from './testing/recorders/mock-llm-server.ts';
import { runOpenAiAgentsAgent } from './testing/recorders/openai-agents-agent.ts';
import { spanCapture } from './testing/recorders/span-capture.ts';

let llm: MockLlm;
beforeAll(async () => {
  spanCapture();
  llm = await startMockLlm();
});
afterAll(() => llm.close());

const lint = (history: unknown) => {
  const res = importTraceText(JSON.stringify(history), { run: 'h' });
  return {
    format: res.format,
    anomalies: analyzeRuns(res.runs).anomalies.map((a) => `${a.type}|${a.turn}|${a.call}`),
  };
};

/** The history as an agent that went on before the slow result would have sent it. */
function withoutResult(history: unknown[], isResult: (item: Record<string, unknown>) => boolean): unknown[] {
  return history.flatMap((m) => {
    const item = m as Record<string, unknown>;
    if (isResult(item)) return [];
    if (Array.isArray(item.content))
      return [{ ...item, content: (item.content as Record<string, unknown>[]).filter((p) => !isResult(p)) }];
    return [item];
  });
}

describe.each(['6', '7-otel'] as const)('AI SDK %s ModelMessage[]', (version) => {
  it('the SDK loop history is clean; without the slow result it is a premature call on that call', async () => {
    const history = await runAiSdkAgent({
      version,
      api: 'chat',
      stream: false,
      agent: 'correct',
      baseURL: llm.url,
    });
    await spanCapture().takeOtlp();
    expect(lint(history)).toEqual({ format: 'ai-sdk-messages', anomalies: [] });
    const cut = withoutResult(history, (p) => p.type === 'tool-result' && p.toolCallId === SLOW_CALL);
    // A pending request: the history ends with tool results, so the next turn is about to be sent.
    expect(lint(cut.slice(0, -1)).anomalies).toEqual([`premature-llm-call|2|${SLOW_CALL}`]);
  });
});

describe('OpenAI Agents SDK result.history', () => {
  it('is detected by its callId items, clean as run; without the slow result a premature call', async () => {
    const history = await runOpenAiAgentsAgent({
      api: 'responses',
      stream: false,
      agent: 'correct',
      baseURL: llm.url,
    });
    await spanCapture().takeOtlp();
    expect(history.some((i) => (i as { type?: string }).type === 'function_call_result')).toBe(true);
    expect(lint(history)).toEqual({ format: 'openai-agents-history', anomalies: [] });
    const cut = withoutResult(history, (i) => i.type === 'function_call_result' && i.callId === SLOW_CALL);
    expect(lint(cut.slice(0, -1)).anomalies).toEqual([`premature-llm-call|2|${SLOW_CALL}`]);
  });
});
