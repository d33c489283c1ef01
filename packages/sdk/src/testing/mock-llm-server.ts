// Test support: the plan-based mock of OpenAI's HTTP API, shared with the importers' recorders
// (one implementation lives in `@causelane/importers/testing`; importers cannot depend on sdk).
export {
  type MockLlm,
  type MockLlmOptions,
  type PlannedCall,
  startPlanMockLlm as startMockLlm,
  toolResultIds,
} from '@causelane/importers/testing';
