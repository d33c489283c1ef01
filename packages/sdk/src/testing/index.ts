// `@causelane/sdk/testing`: test support only (executors run in virtual time over scripted plans).

export * from './ledger-agent.ts';
export * from './mock-llm-server.ts';
export * from './run-virtual.ts';
