import { describe, expect, it } from 'vitest';
import { loadExample } from '../testing/load-example.ts';
import { buildDrawList, type DrawInput } from './draw-list.ts';
import { buildLaneLayout } from './lane-layout.ts';
import { fullWindow, xOf } from './viewport.ts';

function input(name: string, over: Partial<DrawInput> = {}): DrawInput {
  const { cols } = loadExample(name);
  const layout = buildLaneLayout(cols, 20);
  return {
    cols,
    layout,
    win: fullWindow(cols, 'seq'),
    mode: 'seq',
    width: 1000,
    height: 400,
    scrollY: 0,
    playhead: null,
    anomalies: cols.anomalies,
    ...over,
  };
}

describe('draw list', () => {
  it('draws a bar per started call from tool.start to tool.end, and a rule per request', () => {
    const inp = input('stale-read');
    const list = buildDrawList(inp);
    expect(list.bars.ok.length / 4).toBe(2);
    const x = (i: number) => xOf(i, inp.win, inp.width);
    // call_check: events 3..7, in row 2.
    expect(list.bars.ok).toContain(x(3));
    expect(list.bars.ok[list.bars.ok.indexOf(x(3)) + 2]).toBeCloseTo(x(7) - x(3));
    expect(list.rules).toEqual([Math.round(x(1)), Math.round(x(9))]);
    expect(list.markers.commit.length / 2).toBe(2);
  });

  it('shows a premature call crossing the next turn request (impatient loop)', () => {
    const inp = input('impatient-loop');
    const list = buildDrawList(inp);
    const rule2 = list.rules[1]!;
    const bars = list.bars.ok;
    let crossing = 0;
    for (let i = 0; i < bars.length; i += 4)
      if (bars[i]! < rule2 && bars[i]! + bars[i + 2]! > rule2) crossing++;
    expect(crossing).toBe(1);
    expect(list.flags.error.length).toBeGreaterThan(0);
  });

  it('draws only what has happened by the playhead', () => {
    const inp = input('stale-read', { playhead: 4 });
    const list = buildDrawList(inp);
    expect(list.bars.ok.length).toBe(0);
    expect(list.bars.open.length / 4).toBe(2);
    expect(list.markers.commit.length).toBe(0);
    expect(list.flagHits.length).toBe(0);
    expect(list.playheadX).toBeCloseTo(xOf(4, inp.win, inp.width));
  });

  it('skips rows outside the viewport', () => {
    const inp = input('stale-read', { scrollY: 40, height: 20 });
    const list = buildDrawList(inp);
    expect(list.rows.map((r) => r.row)).toEqual([2]);
    expect(list.bars.ok.length / 4).toBe(1);
    expect(list.bars.agent.length).toBe(0);
  });

  it('merges touching sub-pixel bars of one row into one rectangle', () => {
    const inp = input('stale-read', { width: 3 });
    const list = buildDrawList(inp);
    // Two requests a fraction of a pixel wide on the agent lane become at most one rect per pixel run.
    expect(list.bars.agent.length / 4).toBe(1);
  });
});
