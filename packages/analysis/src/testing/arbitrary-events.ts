// fast-check generators of schema-valid event bodies with small ids, turns and keys, so references
// collide often: the random traces the analyzer's property tests (batch or live) are checked on.
import fc from 'fast-check';

export interface EventBodyOptions {
  /** Call ids to draw from (default a, b, c). */
  ids?: readonly string[];
  /** Turns drawn from 1..maxTurn (default 3). */
  maxTurn?: number;
  /** state.read / state.write may name a call and a turn (left undefined otherwise). */
  stateRefs?: boolean;
  /** More bodies to mix in (run.start, run.end, …). */
  extra?: readonly fc.Arbitrary<Record<string, unknown>>[];
}

/** A random event body without v, run, seq and t: tests number and stamp them. */
export function arbitraryEventBody(opts: EventBodyOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const id = fc.constantFrom(...(opts.ids ?? ['a', 'b', 'c']));
  const turn = fc.integer({ min: 1, max: opts.maxTurn ?? 3 });
  const kv = fc.array(fc.record({ key: fc.constantFrom('x', 'y'), version: fc.nat(5) }), { maxLength: 2 });
  const state = {
    type: fc.constantFrom('state.write', 'state.read'),
    key: fc.constantFrom('x', 'y'),
    version: fc.nat(5),
  };
  return fc.oneof(
    fc.record({ type: fc.constant('llm.request'), turn }),
    fc.record({
      type: fc.constant('llm.response'),
      turn,
      calls: fc.uniqueArray(fc.record({ id, name: fc.constant('t') }), {
        selector: (c) => c.id,
        maxLength: 3,
      }),
    }),
    fc.record({ type: fc.constantFrom('tool.start', 'tool.timeout', 'tool.orphan'), turn, call: id }),
    fc.record({ type: fc.constant('tool.end'), turn, call: id, ok: fc.boolean(), reads: kv, writes: kv }),
    fc.record({ type: fc.constant('tool.commit'), turn, call: id, synthetic: fc.boolean() }),
    opts.stateRefs
      ? fc.record({
          ...state,
          call: fc.option(id, { nil: undefined }),
          turn: fc.option(turn, { nil: undefined }),
        })
      : fc.record(state),
    ...(opts.extra ?? []),
  );
}
