// `@causelane/importers/testing`: test support only (agent runs recorded with the real OpenTelemetry
// SDK as OTLP JSON). It imports devDependencies: tests, benchmarks and e2e use it, production never.
export * from './record-genai-agent.ts';
export * from './record-otlp-protobuf.ts';
export * from './record-scripted-otlp.ts';
export {
  MOCK_CALLS,
  type MockLlm,
  type MockLlmOptions,
  type Plan,
  type PlannedCall,
  runMockTool,
  SLOW_CALL,
  startMockLlm,
  startPlanMockLlm,
  toolResultIds,
} from './recorders/mock-llm-server.ts';
export * from './rootless-chat-spans.ts';
