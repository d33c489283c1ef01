import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { readTraceText } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { loadExample } from '../testing/load-example.ts';
import { happensBeforeDiagram } from './happens-before.ts';
import { HB_FONT, HB_MIN_SCALE, layoutHb, rowLabelText, segmentHitsBox } from './happens-before-layout.ts';

/** A turn whose model asked for `n` calls at once, all in flight together. */
function parallelTurn(n: number) {
  const calls = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, name: `fetch_page_${i}` }));
  const lines: object[] = [];
  const at = (type: string, extra: object = {}) =>
    lines.push({ v: 1, run: 'wide', seq: lines.length, t: 1000 + lines.length, type, ...extra });
  at('run.start');
  at('llm.request', { turn: 1 });
  at('llm.response', { turn: 1, calls });
  for (const c of calls) at('tool.start', { turn: 1, call: c.id });
  for (const c of calls) at('tool.end', { turn: 1, call: c.id, ok: true });
  for (const c of calls) at('tool.commit', { turn: 1, call: c.id });
  at('llm.request', { turn: 2 });
  const [run, events] = [...readTraceText(lines.map((l) => JSON.stringify(l)).join('\n')).runs][0]!;
  const model = buildRunModel(run, events);
  analyzeModel(model);
  return happensBeforeDiagram(model, 1)!;
}

function overlaps(L: ReturnType<typeof layoutHb>): string[] {
  const bad: string[] = [];
  for (const l of L.lines) {
    for (const r of L.rowLabels) if (segmentHitsBox(l, r.box)) bad.push(`row label "${r.text}"`);
    for (const c of L.colLabels) if (segmentHitsBox(l, c.box)) bad.push(`column label "${c.text}"`);
  }
  return bad;
}

describe('happens-before layout', () => {
  it('fits 12 parallel calls into a 618×340 box at a legible scale, in 6 layers', () => {
    const hb = parallelTurn(12);
    expect(Math.max(...hb.nodes.map((n) => n.row)) + 1).toBe(6);
    const L = layoutHb(hb, { width: 618, height: 340 });
    expect(L.width * L.scale).toBeLessThanOrEqual(618);
    expect(L.height * L.scale).toBeLessThanOrEqual(340);
    expect(L.scale * HB_FONT).toBeGreaterThanOrEqual(8);
    expect(rowLabelText(hb, 2)).toBe('tool.start ×12 · seq 3–14');
  });

  it('never puts a label on a line, for small and wide turns and any box', () => {
    for (const n of [1, 2, 5, 12, 30])
      for (const box of [
        { width: 618, height: 340 },
        { width: 320, height: 200 },
        { width: 1400, height: 900 },
      ])
        expect(overlaps(layoutHb(parallelTurn(n), box)), `${n} calls in ${box.width}×${box.height}`).toEqual(
          [],
        );
    const { model } = loadExample('stale-read');
    expect(overlaps(layoutHb(happensBeforeDiagram(model, 1)!, { width: 618, height: 340 }))).toEqual([]);
  });

  it('scrolls rather than shrinking text below the minimum scale', () => {
    const L = layoutHb(parallelTurn(60), { width: 618, height: 340 });
    expect(L.scale).toBe(HB_MIN_SCALE);
  });

  it('the overlap check itself sees a crossing', () => {
    expect(segmentHitsBox({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x0: 4, y0: 4, x1: 6, y1: 6 })).toBe(true);
    expect(segmentHitsBox({ x1: 0, y1: 0, x2: 10, y2: 0 }, { x0: 4, y0: 4, x1: 6, y1: 6 })).toBe(false);
  });
});

describe('happens-before state edges', () => {
  it('marks the write that made the stale read stale, and orders the read below the write', () => {
    const { model } = loadExample('stale-read');
    const hb = happensBeforeDiagram(model, 1)!;
    const state = hb.edges.filter((e) => e.kind === 'state');
    expect(state).toHaveLength(1);
    expect(state[0]).toMatchObject({
      from: 'call_restock:end',
      to: 'call_check:end',
      state: { key: 'stock:A-1', stale: true },
    });
    expect(state[0]!.violation).toContain('stale read');
    const row = (id: string) => hb.nodes.find((n) => n.id === id)!.row;
    expect(row('call_check:end')).toBeGreaterThan(row('call_restock:end'));
  });

  it('draws a read -> write race without calling it stale (lost-update has writes only)', () => {
    const { model } = loadExample('lost-update');
    const hb = happensBeforeDiagram(model, 1)!;
    expect(hb.edges.filter((e) => e.state?.stale)).toEqual([]);
  });
});
