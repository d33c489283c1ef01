import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { synthesizeRun } from '@causelane/analysis/testing';
import { describe, expect, it } from 'vitest';
import { buildTimelineColumns } from './timeline-columns.ts';
import { MIN_RULE_GAP, niceStride, turnRules } from './turn-rules.ts';
import { fullWindow, panWindow, positionOf } from './viewport.ts';

const events = synthesizeRun({ seed: 9, turns: 3000, maxCalls: 3 });
const model = buildRunModel(events[0]!.run, events);
const cols = buildTimelineColumns(model, analyzeModel(model));

describe('turn rules thin out by zoom', () => {
  it('picks 1, 2, 5, 10, 20, 50 … strides', () => {
    expect([0.5, 1, 1.5, 2, 3, 6, 11, 49, 51, 120].map(niceStride)).toEqual([
      1, 1, 2, 2, 5, 10, 20, 50, 100, 200,
    ]);
  });

  it('never fills the view: at most one rule per MIN_RULE_GAP pixels on average', () => {
    const width = 1200;
    const r = turnRules(cols, 'seq', fullWindow(cols, 'seq'), width, cols.eventCount - 1);
    expect(r.stride).toBeGreaterThan(1);
    expect(r.xs.length).toBeLessThanOrEqual(width / MIN_RULE_GAP + 1);
    expect(r.xs.length).toBeGreaterThan(width / MIN_RULE_GAP / 5);
  });

  it('shows every request once zoomed in', () => {
    const rq = cols.turnRequest;
    const win = {
      start: positionOf(cols, 'seq', rq[10]!) - 0.5,
      end: positionOf(cols, 'seq', rq[20]!) + 0.5,
    };
    const r = turnRules(cols, 'seq', win, 1200, cols.eventCount - 1);
    expect(r.stride).toBe(1);
    expect(r.xs.length).toBe(11);
  });

  it('keeps the same turns ruled while panning (stable under pan)', () => {
    const full = fullWindow(cols, 'seq');
    const win = { start: full.start, end: full.start + (full.end - full.start) / 3 };
    const a = turnRules(cols, 'seq', win, 1000, cols.eventCount - 1);
    const moved = panWindow(win, 0.05, full);
    const b = turnRules(cols, 'seq', moved, 1000, cols.eventCount - 1);
    expect(b.stride).toBe(a.stride);
    // Shifted by the pan, the rules that stay in view are the same turns: same x minus the shift.
    const shift = ((moved.start - win.start) / (win.end - win.start)) * 1000;
    const shifted = new Set(a.xs.map((x) => Math.round(x - shift)));
    const common = b.xs.filter((x) => shifted.has(x) || shifted.has(x - 1) || shifted.has(x + 1));
    expect(common.length).toBeGreaterThan(b.xs.length * 0.8);
  });

  it('rules only turns that happened by the playhead', () => {
    const at = cols.turnRequest[5]!;
    const r = turnRules(cols, 'seq', fullWindow(cols, 'seq'), 100_000, at);
    expect(r.stride).toBe(1);
    expect(r.xs.length).toBe(6);
  });
});
