import { describe, expect, it } from 'vitest';
import { loadExample } from '../testing/load-example.ts';
import { buildDrawList } from './draw-list.ts';
import { arrowCurve } from './draw-proof.ts';
import { buildLaneLayout } from './lane-layout.ts';
import { minimapDensity, nearestAnomalyColumn, SEVERITY_RANK } from './minimap-density.ts';
import { proofFor, proofOf } from './proof-arrows.ts';
import { stateEvidence } from './state-evidence.ts';
import { callStateOps, stateLabel, stateSummary } from './state-ops.ts';
import { fullWindow, xOf } from './viewport.ts';

describe('state columns', () => {
  it("hold each call's reads and writes with versions, for bars and hover cards", () => {
    const { cols } = loadExample('stale-read');
    const check = cols.callId.indexOf('call_check');
    const restock = cols.callId.indexOf('call_restock');
    expect(callStateOps(cols, check)).toEqual({ reads: [{ key: 'stock:A-1', version: 7 }], writes: [] });
    expect(callStateOps(cols, restock)).toEqual({ reads: [], writes: [{ key: 'stock:A-1', version: 8 }] });
    expect(stateLabel({ key: 'stock:A-1', version: 7 })).toBe('stock:A-1 v7');
    expect(stateSummary(callStateOps(cols, check))).toBe('read stock:A-1 v7');
  });
});

describe('proof of an anomaly', () => {
  const { cols } = loadExample('stale-read');
  const stale = cols.anomalies.find((a) => a.type === 'stale-read')!;

  it('lists the proof events in happens-before order, with keys and versions, and arrows between', () => {
    const p = proofOf(cols, stale);
    expect(p.steps.map((s) => s.text)).toEqual([
      'seq 5 · restock tool.end · wrote stock:A-1 v8',
      'seq 7 · check_stock tool.end · read stock:A-1 v7',
      'seq 9 · agent llm.request turn 2',
    ]);
    expect(p.arrows.map((a) => a.kind)).toEqual(['write → read', 'end → request']);
    expect(proofFor(cols, stale.id)).toBe(proofFor(cols, stale.id));
    expect(proofFor(cols, null)).toBeNull();
  });

  it('shows both sides of the stale read: writer v8 and reader v7', () => {
    expect(stateEvidence(cols, stale)).toEqual([
      {
        key: 'stock:A-1',
        writers: [{ call: 'call_restock', name: 'restock', version: 8, seq: 5 }],
        readers: [{ call: 'call_check', name: 'check_stock', version: 7, seq: 7 }],
        stale: true,
      },
    ]);
    const order = cols.anomalies.find((a) => a.type === 'commit-order')!;
    expect(stateEvidence(cols, order)).toEqual([]);
  });

  it('shows both writers of a lost update', () => {
    const { cols: lu } = loadExample('lost-update');
    const ww = lu.anomalies.find((a) => a.type === 'ww-conflict')!;
    const [e] = stateEvidence(lu, ww);
    expect(e!.writers.map((w) => w.call).sort()).toEqual(['e1', 'e2']);
    expect(e!.stale).toBe(false);
  });

  it('is drawn from each event to the next, on the events’ rows, only once they happened', () => {
    const layout = buildLaneLayout(cols, 20);
    const base = {
      cols,
      layout,
      win: fullWindow(cols, 'seq'),
      mode: 'seq' as const,
      width: 1000,
      height: 400,
      scrollY: 0,
      anomalies: cols.anomalies,
      proof: proofOf(cols, stale),
    };
    const list = buildDrawList({ ...base, playhead: null });
    const x = (i: number) => xOf(i, base.win, 1000);
    const rowY = (lane: number) => layout.callRow[lane]! * 20 + 10;
    const restock = cols.callId.indexOf('call_restock');
    const check = cols.callId.indexOf('call_check');
    expect(list.proof!.points).toEqual([x(5), rowY(restock), x(7), rowY(check), x(9), 10]);
    expect(list.proof!.curves).toHaveLength(16);
    // Replay stopped at seq 7: the request has not happened, so one arrow only.
    expect(buildDrawList({ ...base, playhead: 7 }).proof!.curves).toHaveLength(8);
  });

  it('bends arrows like Perfetto flows and knows where their middle is', () => {
    const { curve, mid } = arrowCurve(0, 50, 100, 10);
    expect(curve.slice(0, 2)).toEqual([0, 50]);
    expect(curve.slice(6)).toEqual([100, 10]);
    expect(mid[0]).toBeCloseTo(50);
    expect(mid[1]).toBeCloseTo(30);
    // Same row: the arrow arches above it.
    expect(arrowCurve(0, 50, 100, 50).mid[1]).toBeLessThan(50);
  });

  it('puts a narrow bar’s state beside it in its own row', () => {
    const list = buildDrawList({
      cols,
      layout: buildLaneLayout(cols, 20),
      win: fullWindow(cols, 'time'),
      mode: 'time',
      width: 300,
      height: 400,
      scrollY: 0,
      playhead: null,
      anomalies: [],
    });
    const restock = list.texts.find((t) => t.lane === cols.callId.indexOf('call_restock'))!;
    expect(restock).toMatchObject({ outside: true, state: 'wrote stock:A-1 v8' });
  });
});

describe('minimap', () => {
  it('marks the most severe anomaly per column and finds the one near a click', () => {
    const { cols } = loadExample('stale-read');
    const d = minimapDensity(cols, 'seq', fullWindow(cols, 'seq'), 100);
    const marked = [...d.anomalyRank.entries()].filter(([, r]) => r > 0);
    expect(marked.length).toBeGreaterThan(0);
    // commit-order (warning) and stale-read (error) both start near seq 5-6: the error wins its column.
    expect(Math.max(...marked.map(([, r]) => r))).toBe(SEVERITY_RANK.error);
    expect(d.anomalyCount.reduce((a, b) => a + b, 0)).toBe(cols.anomalies.length);
    const col = marked[0]![0];
    expect(nearestAnomalyColumn(d, col + 2)).toBe(col);
    expect(nearestAnomalyColumn(d, col + 40)).toBe(-1);
  });
});
