import { describe, expect, it } from 'vitest';
import {
  clampWindow,
  posAt,
  transformForWindow,
  windowAround,
  windowForKey,
  windowForTransform,
  xOf,
  zoomWindow,
} from './viewport.ts';

const bounds = { start: 1000, end: 2000 };

describe('viewport math', () => {
  it('maps positions to pixels and back', () => {
    const win = { start: 1200, end: 1400 };
    expect(xOf(1300, win, 800)).toBe(400);
    expect(posAt(400, win, 800)).toBe(1300);
  });

  it('zooms around the anchor, which stays on the same pixel', () => {
    const win = { start: 1200, end: 1600 };
    const z = zoomWindow(win, 0.5, 1300, bounds);
    expect(z).toEqual({ start: 1250, end: 1450 });
    expect(xOf(1300, z, 800)).toBeCloseTo(xOf(1300, win, 800));
  });

  it('never leaves the bounds nor grows past them', () => {
    expect(clampWindow({ start: 1900, end: 2300 }, bounds)).toEqual({ start: 1600, end: 2000 });
    expect(clampWindow({ start: 0, end: 5000 }, bounds)).toEqual(bounds);
    expect(zoomWindow(bounds, 4, 1500, bounds)).toEqual(bounds);
  });

  it('WASD: W zooms in, S out, A and D pan by a tenth', () => {
    const win = { start: 1400, end: 1600 };
    expect(windowForKey('w', win, bounds)).toEqual({ start: 1420, end: 1580 });
    expect(windowForKey('S', win, bounds)).toEqual({ start: 1375, end: 1625 });
    expect(windowForKey('a', win, bounds)).toEqual({ start: 1380, end: 1580 });
    expect(windowForKey('d', win, bounds)).toEqual({ start: 1420, end: 1620 });
    expect(windowForKey('x', win, bounds)).toBeNull();
  });

  it('converts windows to d3-zoom transforms and back, with a label gutter', () => {
    const win = { start: 1250, end: 1300 };
    const tr = transformForWindow(win, bounds, 600, 200);
    expect(tr.k).toBe(20);
    const back = windowForTransform(tr, bounds, 600, 200);
    expect(back.start).toBeCloseTo(1250);
    expect(back.end).toBeCloseTo(1300);
    // The window's start lands on the gutter's edge: k * base + x = offset.
    expect(tr.k * (200 + xOf(1250, bounds, 600)) + tr.x).toBeCloseTo(200);
  });

  it('windowAround frames a proof with margins, even a single event', () => {
    const w = windowAround(1500, 1500, bounds);
    expect(w.start).toBeLessThan(1500);
    expect(w.end).toBeGreaterThan(1500);
    const w2 = windowAround(1400, 1600, bounds);
    expect(w2).toEqual({ start: 1300, end: 1700 });
  });
});
