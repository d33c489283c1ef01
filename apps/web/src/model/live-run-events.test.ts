// A live run's columns, kept current batch by batch, against the columns of the whole run built from
// scratch: after every batch (in order, out of order, repeated, reset) they must be identical.
import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { arbitraryEventBody, synthesizeRun } from '@causelane/analysis/testing';
import type { TraceEvent } from '@causelane/trace-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveRunEvents } from './live-run-events.ts';
import { evidenceOfEvents } from './run-evidence.ts';
import { buildTimelineColumns } from './timeline-columns.ts';

const anyEvent = () =>
  arbitraryEventBody({
    maxTurn: 4,
    stateRefs: true,
    extra: [
      fc.record({ type: fc.constant('run.start'), meta: fc.constant({ evidence: ['no tool spans'] }) }),
    ],
  });
const anyTrace = fc
  .array(anyEvent(), { maxLength: 50 })
  .map((bodies) =>
    bodies.map(
      (b, seq) =>
        Object.fromEntries(
          Object.entries({ v: 1, run: 'r', seq, t: 1000 + seq, ...b }).filter(([, v]) => v !== undefined),
        ) as unknown as TraceEvent,
    ),
  );
const synthTrace = fc
  .record({ seed: fc.nat(), turns: fc.integer({ min: 1, max: 6 }), maxCalls: fc.integer({ min: 1, max: 5 }) })
  .map((s) => synthesizeRun({ ...s, keys: 2, run: 'r', faults: ['stale-read', 'late-commit', 'rw-race'] }));

/** Batches of the trace: mostly in order, with some neighbours swapped, repeats and resets. */
const plan = (events: TraceEvent[]) =>
  fc
    .record({
      cuts: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 20 }),
      swaps: fc.array(fc.nat(), { maxLength: 3 }),
      resets: fc.array(fc.nat(), { maxLength: 2 }),
      repeats: fc.array(fc.nat(), { maxLength: 3 }),
    })
    .map(({ cuts, swaps, resets, repeats }) => {
      const order = [...events];
      for (const s of swaps) {
        if (order.length < 2) break;
        const i = s % (order.length - 1);
        [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
      }
      const out: { events: TraceEvent[]; reset: boolean }[] = [];
      for (let at = 0, k = 0; at < order.length; k++) {
        const size = cuts[k % cuts.length]!;
        out.push({ events: order.slice(at, at + size), reset: false });
        at += size;
      }
      for (const r of repeats)
        if (out.length > 0 && events.length > 0) out[r % out.length]!.events.push(events[r % events.length]!);
      // A reset sends the whole history so far, as a re-watch does.
      for (const r of resets) {
        if (out.length === 0) break;
        const k = r % out.length;
        out[k] = { events: out.slice(0, k + 1).flatMap((b) => b.events), reset: true };
      }
      return out;
    });

function fullColumns(held: TraceEvent[]) {
  const sorted = [...held]
    .sort((a, b) => a.seq - b.seq)
    .filter((e, i, all) => i === 0 || all[i - 1]!.seq !== e.seq);
  const model = buildRunModel('r', sorted);
  const cols = buildTimelineColumns(model, analyzeModel(model));
  cols.evidence = evidenceOfEvents(sorted);
  return cols;
}

describe('LiveRunEvents.columns', () => {
  it('equals the whole run built from scratch after every batch', () => {
    fc.assert(
      fc.property(fc.oneof(anyTrace, synthTrace).chain(plan), (batches) => {
        const live = new LiveRunEvents('r');
        let held: TraceEvent[] = [];
        for (const b of batches) {
          // Repeats keep the first copy, as the live path does.
          held = b.reset ? [...b.events] : [...held, ...b.events];
          live.apply(b.events, b.reset);
          expect(live.columns().cols).toEqual(fullColumns(held));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('places a call named by an event before its listing, as the whole run does', () => {
    const ev = (seq: number, body: object) => ({ v: 1, run: 'r', seq, t: seq, ...body }) as TraceEvent;
    const events = [
      ev(0, { type: 'llm.request', turn: 1 }),
      ev(1, { type: 'tool.start', turn: 1, call: 'a' }),
      ev(2, { type: 'llm.response', turn: 1, calls: [{ id: 'a', name: 't' }] }),
      ev(3, { type: 'tool.end', turn: 1, call: 'a', ok: true }),
    ];
    const live = new LiveRunEvents('r');
    for (const e of events) {
      live.apply([e], false);
      live.columns();
    }
    const cols = live.columns().cols;
    expect(cols.lane[1]).toBe(0);
    expect(cols).toEqual(fullColumns(events));
  });
});
