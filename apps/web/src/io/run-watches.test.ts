import { describe, expect, it } from 'vitest';
import { RunWatches } from './run-watches.ts';

describe('RunWatches', () => {
  it('forgets a run whose first watch failed, so no reconnect re-watches it', () => {
    const w = new RunWatches();
    const a = w.start('ghost');
    expect(w.has('ghost')).toBe(true); // live events right after the ack must not be dropped
    w.failed('ghost', a);
    expect(w.has('ghost')).toBe(false);
    expect(w.runs).toEqual([]);
  });

  it('keeps an opened run when a re-watch after a reconnect fails, to try again next time', () => {
    const w = new RunWatches();
    w.start('r');
    expect(w.accepted('r')).toBe(true);
    w.failed('r', w.start('r'));
    expect(w.runs).toEqual(['r']);
  });

  it('lets a newer watch of the same run outlive an older one that failed', () => {
    const w = new RunWatches();
    const first = w.start('r');
    w.stop('r');
    w.start('r');
    w.failed('r', first);
    expect(w.has('r')).toBe(true);
  });

  it('does not apply the history of a run unwatched before its ack', () => {
    const w = new RunWatches();
    w.start('r');
    expect(w.stop('r')).toBe(true);
    expect(w.accepted('r')).toBe(false);
    expect(w.stop('r')).toBe(false);
  });

  it('re-watches on a (re)connect only the runs the collector accepted, never a first watch in flight', () => {
    const w = new RunWatches();
    w.start('pending');
    w.start('open');
    w.accepted('open');
    expect(w.opened).toEqual(['open']);
    expect(w.runs.sort()).toEqual(['open', 'pending']);
  });
});
