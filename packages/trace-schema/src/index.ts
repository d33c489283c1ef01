// @causelane/trace-schema: format v1 types, validators, the JSONL reader and writer, socket event
// types, and the seeded random numbers that both the SDK's world and the test synthesizer replay.
export * from './anomaly-types.ts';
export * from './compact-run.ts';
export * from './deep-equal.ts';
export * from './event-columns.ts';
export * from './events.ts';
export * from './http-api.ts';
export * from './key-columns.ts';
export * from './read-trace-stream.ts';
export * from './same-event-line.ts';
export * from './seeded-random.ts';
export * from './socket-events.ts';
export * from './trace-reader.ts';
export * from './validate.ts';
export * from './validate-value.ts';
