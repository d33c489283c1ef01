// `@causelane/importers/testing/recorders`: the real agent stacks recorded against the mock LLM, for
// tests in other packages (the collector streams them live). Kept apart from `./testing`: these load
// the agent frameworks (devDependencies), which most tests do not need.
export { type LangGraphRun, runLangGraphAgent } from './langgraph-agent.ts';
export { MOCK_CALLS, type MockLlm, SLOW_CALL, startMockLlm } from './mock-llm-server.ts';
export { type AgentsRun, runOpenAiAgentsAgent } from './openai-agents-agent.ts';
export { otlpJsonOf, type SpanCapture, spanCapture } from './span-capture.ts';
