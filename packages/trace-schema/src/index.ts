// @causelane/trace-schema: format v1 types, validators, the JSONL reader and socket event types.
export * from './api-types.ts';
export * from './compact-run.ts';
export * from './event-source.ts';
export * from './events.ts';
export * from './socket-events.ts';
export * from './trace-reader.ts';
export * from './validate.ts';
