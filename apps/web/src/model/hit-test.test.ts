import { describe, expect, it } from 'vitest';
import { loadExample } from '../testing/load-example.ts';
import { buildDrawList } from './draw-list.ts';
import { FLAG_HIT_HALF_WIDTH, FLAG_HIT_HEIGHT, type HitTestInput, hitTest } from './hit-test.ts';
import { buildLaneLayout } from './lane-layout.ts';
import { fullWindow } from './viewport.ts';

// stale-read: row 0 the agent, row 1 turn 1 (call_check, call_restock in rows 2 and 3), row 4 turn 2
// (no calls). Rows are 20 px high.
function target(scrollY = 0, height = 400): HitTestInput {
  const { cols } = loadExample('stale-read');
  const layout = buildLaneLayout(cols, 20);
  const list = buildDrawList({
    cols,
    layout,
    win: fullWindow(cols, 'seq'),
    mode: 'seq',
    width: 1000,
    height,
    scrollY,
    playhead: null,
    anomalies: cols.anomalies,
  });
  return { cols, layout, flagHits: list.flagHits, scrollY };
}

describe('timeline hit test', () => {
  it('selects the call of the lane under the pointer, also over the label gutter', () => {
    const t = target();
    expect(hitTest(t, 500, 2 * 20 + 10)).toEqual({ kind: 'lane', call: 'call_check' });
    expect(hitTest(t, 500, 3 * 20 + 1)).toEqual({ kind: 'lane', call: 'call_restock' });
    expect(hitTest(t, -150, 3 * 20 + 19)).toEqual({ kind: 'lane', call: 'call_restock' });
  });

  it("lets a turn's header stand for its first call, and finds no call on the agent lane or a turn without calls", () => {
    const t = target();
    expect(hitTest(t, 500, 20 + 5)).toEqual({ kind: 'lane', call: 'call_check' });
    expect(hitTest(t, 500, 5)).toEqual({ kind: 'lane', call: null });
    expect(hitTest(t, 500, 4 * 20 + 5)).toEqual({ kind: 'lane', call: null });
  });

  it('misses below the last row and above the first', () => {
    const t = target();
    expect(hitTest(t, 500, 5 * 20 + 1)).toBeNull();
    expect(hitTest(t, 500, -1)).toBeNull();
  });

  it('accounts for the lane scroll', () => {
    const t = target(40);
    expect(hitTest(t, 500, 5)).toEqual({ kind: 'lane', call: 'call_check' });
  });

  it('hits an anomaly flag before the bar under it, within its box only', () => {
    const t = target();
    const flag = t.flagHits[0]!;
    expect(flag).toBeDefined();
    expect(hitTest(t, flag.x, flag.y)).toEqual({ kind: 'anomaly', id: flag.id });
    expect(hitTest(t, flag.x + FLAG_HIT_HALF_WIDTH, flag.y + FLAG_HIT_HEIGHT)).toEqual({
      kind: 'anomaly',
      id: flag.id,
    });
    const beside = hitTest(t, flag.x + FLAG_HIT_HALF_WIDTH + 1, flag.y + 2);
    expect(beside?.kind).toBe('lane');
    const below = hitTest(t, flag.x, flag.y + FLAG_HIT_HEIGHT + 1);
    expect(below?.kind).not.toBe('anomaly');
  });
});
