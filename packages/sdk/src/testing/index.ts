// `@causelane/sdk/testing`: test support only (executors run in virtual time over scripted plans).
export * from './run-virtual.ts';
