// Trace format v1 (the shared contract spec/trace-format-v1.md, described in docs/trace-format.md):
// one TypeBox schema per event type, from which both the static types and the compiled runtime
// validators are derived.
import Type, { type Static } from 'typebox';

export const VERSION = 1 as const;

const Turn = Type.Integer({
  minimum: 1,
  // Turns are stored in Int32 columns; a turn past 2^31 - 1 is refused rather than wrapped.
  maximum: 2 ** 31 - 1,
  description: 'turn number, 1-based within a run',
});
const CallId = Type.String({ description: 'tool call id, unique within a run' });
export const KeyVersion = Type.Object({ key: Type.String(), version: Type.Integer({ minimum: 0 }) });
const KeyVersions = Type.Array(KeyVersion);

const base = {
  v: Type.Literal(VERSION),
  run: Type.String({ minLength: 1, maxLength: 200 }),
  seq: Type.Integer({ minimum: 0 }),
  t: Type.Number({ description: 'wall clock, ms since the Unix epoch; drawing only' }),
};

export const ToolCallSpec = Type.Object({
  id: CallId,
  name: Type.String(),
  args: Type.Optional(Type.Unknown()),
});

export const eventSchemas = {
  'run.start': Type.Object({
    ...base,
    type: Type.Literal('run.start'),
    agent: Type.Optional(Type.String()),
    mode: Type.Optional(Type.Union([Type.Literal('naive'), Type.Literal('causal'), Type.Literal('unknown')])),
    meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
  'llm.request': Type.Object({ ...base, type: Type.Literal('llm.request'), turn: Turn }),
  'llm.response': Type.Object({
    ...base,
    type: Type.Literal('llm.response'),
    turn: Turn,
    calls: Type.Array(ToolCallSpec),
  }),
  'tool.start': Type.Object({ ...base, type: Type.Literal('tool.start'), turn: Turn, call: CallId }),
  'tool.end': Type.Object({
    ...base,
    type: Type.Literal('tool.end'),
    turn: Turn,
    call: CallId,
    ok: Type.Boolean(),
    result: Type.Optional(Type.Unknown()),
    error: Type.Optional(Type.String()),
    reads: Type.Optional(KeyVersions),
    writes: Type.Optional(KeyVersions),
  }),
  'tool.commit': Type.Object({
    ...base,
    type: Type.Literal('tool.commit'),
    turn: Turn,
    call: CallId,
    synthetic: Type.Optional(Type.Boolean()),
  }),
  'tool.timeout': Type.Object({ ...base, type: Type.Literal('tool.timeout'), turn: Turn, call: CallId }),
  'tool.orphan': Type.Object({
    ...base,
    type: Type.Literal('tool.orphan'),
    turn: Turn,
    call: CallId,
    reason: Type.Optional(
      Type.Union([Type.Literal('timeout'), Type.Literal('late'), Type.Literal('cancelled')]),
    ),
  }),
  'state.read': Type.Object({
    ...base,
    type: Type.Literal('state.read'),
    key: Type.String(),
    version: Type.Integer({ minimum: 0 }),
    turn: Type.Optional(Turn),
    call: Type.Optional(CallId),
  }),
  'state.write': Type.Object({
    ...base,
    type: Type.Literal('state.write'),
    key: Type.String(),
    version: Type.Integer({ minimum: 0 }),
    turn: Type.Optional(Turn),
    call: Type.Optional(CallId),
  }),
  'run.end': Type.Object({
    ...base,
    type: Type.Literal('run.end'),
    status: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('cancelled')])),
  }),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

export type KeyVersion = Static<typeof KeyVersion>;
export type ToolCallSpec = Static<typeof ToolCallSpec>;
export type RunStartEvent = Static<(typeof eventSchemas)['run.start']>;
export type LlmRequestEvent = Static<(typeof eventSchemas)['llm.request']>;
export type LlmResponseEvent = Static<(typeof eventSchemas)['llm.response']>;
export type ToolStartEvent = Static<(typeof eventSchemas)['tool.start']>;
export type ToolEndEvent = Static<(typeof eventSchemas)['tool.end']>;
export type ToolCommitEvent = Static<(typeof eventSchemas)['tool.commit']>;
export type ToolTimeoutEvent = Static<(typeof eventSchemas)['tool.timeout']>;
export type ToolOrphanEvent = Static<(typeof eventSchemas)['tool.orphan']>;
export type StateReadEvent = Static<(typeof eventSchemas)['state.read']>;
export type StateWriteEvent = Static<(typeof eventSchemas)['state.write']>;
export type RunEndEvent = Static<(typeof eventSchemas)['run.end']>;

/** Every event of format v1, discriminated on `type`. Extra fields are allowed and kept. */
export type TraceEvent =
  | RunStartEvent
  | LlmRequestEvent
  | LlmResponseEvent
  | ToolStartEvent
  | ToolEndEvent
  | ToolCommitEvent
  | ToolTimeoutEvent
  | ToolOrphanEvent
  | StateReadEvent
  | StateWriteEvent
  | RunEndEvent;

/** Distributes Omit over the union, so the discriminant survives. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What an emitter supplies; the tracer stamps `v`, `run`, `seq` and `t`. */
export type EventBody = DistributiveOmit<TraceEvent, 'v' | 'run' | 'seq' | 't'>;

/** The whole format as one JSON Schema (oneOf the per-type schemas), for docs and other languages. */
export const traceEventJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://causelane.dev/schema/trace-format-v1.json',
  title: 'Causelane trace event, format v1',
  description: 'One line of a Causelane JSONL trace. Extra fields are allowed and kept.',
  oneOf: EVENT_TYPES.map((t) => eventSchemas[t]),
};
