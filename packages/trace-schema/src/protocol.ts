// `@causelane/trace-schema/protocol`: the types and constants a client needs to talk to the
// collector (socket events, HTTP shapes, event types) without loading TypeBox or compiling any validator.
export * from './anomaly-types.ts';
export type * from './events.ts';
export type * from './http-api.ts';
export * from './namespaces.ts';
export type * from './socket-events.ts';
