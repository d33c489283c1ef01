import { describe, expect, it } from 'vitest';
import { loadExample } from '../testing/load-example.ts';
import { hoverFacts, hoverTargetAt } from './hover-info.ts';
import { buildLaneLayout } from './lane-layout.ts';
import { fullWindow, xOf } from './viewport.ts';

describe('hover info', () => {
  const { cols } = loadExample('stale-read');
  const layout = buildLaneLayout(cols, 22);
  const win = fullWindow(cols, 'seq');
  const geo = {
    cols,
    layout,
    win,
    mode: 'seq' as const,
    width: 1000,
    scrollY: 0,
    flagHits: [],
    playhead: null,
  };
  const x = (i: number) => xOf(i, win, 1000);

  it('finds the bar, the marker or the turn under the pointer', () => {
    expect(hoverTargetAt(geo, x(5), 2 * 22 + 15)).toEqual({ kind: 'call', lane: 0 });
    expect(hoverTargetAt(geo, x(6), 3 * 22 + 15)).toEqual({
      kind: 'marker',
      lane: 1,
      marker: 'commit',
      ev: 6,
    });
    expect(hoverTargetAt(geo, x(1), 22 + 10)).toEqual({ kind: 'turn', turn: 0 });
    // Past the end of call_check's bar there is nothing to describe.
    expect(hoverTargetAt(geo, x(10), 2 * 22 + 15)).toBeNull();
  });
  it('lists the facts, with times since the trace start and a status as of the playhead', () => {
    const f = hoverFacts(cols, { kind: 'call', lane: 0 }, cols.t[0]!, null, (t) => t)!;
    expect(f.title).toBe('check_stock');
    expect(Object.fromEntries(f.rows)).toMatchObject({
      'call id': 'call_check',
      turn: '1',
      status: 'ok · committed',
    });
    expect(Object.fromEntries(f.rows).start).toMatch(/^\+\d/);
    const during = hoverFacts(cols, { kind: 'call', lane: 0 }, cols.t[0]!, 5, (t) => t)!;
    expect(Object.fromEntries(during.rows).status).toBe('running');
    expect(during.ended).toBe(false);
  });
});
