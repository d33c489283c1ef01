import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstConcurrent } from './first-concurrent.ts';
import type { CallModel } from './model.ts';
import { concurrent } from './state-rules.ts';

const call = (id: number, startSeq?: number, endSeq?: number): CallModel =>
  ({
    id: `c${id}`,
    name: 'tool',
    args: undefined,
    turn: 1,
    index: id,
    listedSeq: 0,
    startSeq,
    endSeq,
    reads: [],
    writes: [],
  }) as CallModel;

/** The definition: the first other call in list order that is concurrent. */
const reference = (calls: CallModel[], queries: CallModel[]) =>
  queries.map((q) => calls.findIndex((c) => c !== q && concurrent(c, q)));

const arbCall = fc
  .record({
    start: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    len: fc.option(fc.integer({ min: -5, max: 30 }), { nil: undefined }),
  })
  .map(
    ({ start, len }) => [start, start === undefined || len === undefined ? undefined : start + len] as const,
  );

describe('firstConcurrent', () => {
  it('finds the same call as comparing every pair, including unstarted, unended and shared calls', () => {
    fc.assert(
      fc.property(
        fc.array(arbCall, { maxLength: 25 }),
        fc.array(arbCall, { maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (cs, qs, shared) => {
          const calls = cs.map(([s, e], i) => call(i, s, e));
          const own = qs.map(([s, e], i) => call(100 + i, s, e));
          // Some queries are candidates themselves (a call that reads and writes the key).
          const queries = [...own, ...shared.filter((i) => i < calls.length).map((i) => calls[i]!)];
          expect(firstConcurrent(calls, queries)).toEqual(reference(calls, queries));
        },
      ),
      { numRuns: 2000 },
    );
  });

  // A pairwise scan would be 2.5e9 comparisons here and run into the suite's test timeout; speed
  // itself is measured by `pnpm bench`, not asserted.
  it('handles 50,000 calls against 50,000 queries without a pairwise scan', () => {
    const calls = Array.from({ length: 50_000 }, (_, i) => call(i, 2 * i, 2 * i + 1));
    const queries = Array.from({ length: 50_000 }, (_, i) => call(60_000 + i, 200_000 + i, 200_000 + i));
    const found = firstConcurrent(calls, queries);
    expect(found.every((f) => f === -1)).toBe(true);
  });
});
