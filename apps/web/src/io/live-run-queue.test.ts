import { analyzeEvents } from '@causelane/analysis';
import { readTraceText } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { LiveRunEvents } from '../model/live-run-events.ts';
import { exampleText } from '../testing/load-example.ts';
import { LiveRunQueue } from './live-run-queue.ts';

const ev = (
  run: string,
  seq: number,
  body: Record<string, unknown> = { type: 'llm.request', turn: seq + 1 },
) => ({
  v: 1,
  run,
  seq,
  t: 1_760_000_000_000 + seq,
  ...body,
});

describe('LiveRunQueue', () => {
  it('coalesces batches per run, in the order runs were first queued', () => {
    const q = new LiveRunQueue();
    q.append('a', [1]);
    q.append('b', [2]);
    q.append('a', [3, 4]);
    expect(q.drain()).toEqual([
      { run: 'a', events: [1, 3, 4], reset: false },
      { run: 'b', events: [2], reset: false },
    ]);
    expect(q.size).toBe(0);
    expect(q.drain()).toEqual([]);
  });

  it('drops what was queued for a run before its reset, and continues the reset with later batches', () => {
    const q = new LiveRunQueue();
    q.append('a', ['old-1', 'old-2']);
    q.append('b', ['b-1']);
    q.reset('a', ['new-1']);
    q.append('a', ['new-2']);
    expect(q.drain()).toEqual([
      { run: 'a', events: ['new-1', 'new-2'], reset: true },
      { run: 'b', events: ['b-1'], reset: false },
    ]);
  });

  it('forgets a run that is dropped', () => {
    const q = new LiveRunQueue();
    q.reset('a', [1]);
    q.append('b', [2]);
    q.drop('a');
    expect(q.drain()).toEqual([{ run: 'b', events: [2], reset: false }]);
  });

  it('does not alias the caller’s arrays', () => {
    const q = new LiveRunQueue();
    const batch = [1];
    q.reset('a', batch);
    q.append('a', [2]);
    expect(batch).toEqual([1]);
  });
});

describe('LiveRunEvents', () => {
  it('dedups by seq across batches and keeps seq order', () => {
    const held = new LiveRunEvents('r');
    expect(held.apply([ev('r', 2), ev('r', 0)], true)).toBe(true);
    expect(held.apply([ev('r', 0), ev('r', 1), ev('other', 3), { nonsense: true }], false)).toBe(true);
    expect(held.apply([ev('r', 1)], false)).toBe(false);
    expect(held.sorted().map((e) => e.seq)).toEqual([0, 1, 2]);
  });

  it('a reset replaces every held event, even ones whose seq it reuses', () => {
    const held = new LiveRunEvents('r');
    held.apply([ev('r', 0, { type: 'run.start', agent: 'first' }), ev('r', 1), ev('r', 2)], true);
    expect(held.apply([ev('r', 0, { type: 'run.start', agent: 'second' })], true)).toBe(true);
    expect(held.sorted()).toEqual([ev('r', 0, { type: 'run.start', agent: 'second' })]);
    // run:events after the reset continue it.
    held.apply([ev('r', 1, { type: 'llm.request', turn: 7 })], false);
    expect(held.sorted().map((e) => [e.seq, e.type === 'llm.request' ? e.turn : null])).toEqual([
      [0, null],
      [1, 7],
    ]);
    // An empty reset empties the run and still counts as a change (the view must redraw).
    expect(held.apply([], true)).toBe(true);
    expect(held.size).toBe(0);
  });

  it('ends with the final run and its anomalies after a reset that rewrites history', () => {
    // What the browser sees: a watch, a clean first version of the run, then the collector
    // re-derives it as the impatient-loop example (same seqs, different events) and continues it.
    const [run, finalEvents] = [...readTraceText(exampleText('impatient-loop')).runs][0]!;
    const cut = Math.floor(finalEvents.length / 2);
    const q = new LiveRunQueue();
    const held = new LiveRunEvents(run);
    const flush = () => {
      for (const u of q.drain()) held.apply(u.events, u.reset);
    };
    const clean = finalEvents.slice(0, 3).map((e, i) => ({ ...ev(run, i), t: e.t }));
    q.reset(run, clean); // the watch's ack
    flush();
    q.append(run, [ev(run, 3), ev(run, 4)]); // stale live batches, still queued when the reset arrives
    q.reset(run, finalEvents.slice(0, cut));
    q.append(run, finalEvents.slice(cut));
    flush();
    expect(held.sorted()).toEqual(finalEvents);
    const expected = analyzeEvents(finalEvents).anomalies;
    expect(expected.length).toBeGreaterThan(0);
    expect(analyzeEvents(held.sorted()).anomalies).toEqual(expected);
  });
});
