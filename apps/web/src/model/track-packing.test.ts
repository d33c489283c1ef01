import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { synthesizeRun } from '@causelane/analysis/testing';
import { describe, expect, it } from 'vitest';
import { loadExample } from '../testing/load-example.ts';
import { buildDrawList } from './draw-list.ts';
import {
  buildLaneLayout,
  layoutForView,
  packedLayoutOf,
  ROW_SUMMARY,
  ROW_TRACK,
  requestsInWindow,
} from './lane-layout.ts';
import { buildTimelineColumns, CALL_FAILED } from './timeline-columns.ts';
import { callInTrackAt, packTracks, trackLabel } from './track-packing.ts';
import { fullWindow, positionOf } from './viewport.ts';

function longRun(turns: number) {
  const events = synthesizeRun({ seed: 5, turns, maxCalls: 4, faults: ['stale-read', 'late-commit'] });
  const model = buildRunModel(events[0]!.run, events);
  return buildTimelineColumns(model, analyzeModel(model));
}

describe('track packing', () => {
  const cols = longRun(1500);

  it('puts every started call on one lane of its tool, and calls of a lane never overlap', () => {
    const p = packTracks(cols, 'seq');
    let placed = 0;
    for (let k = 0; k < p.trackCount.length; k++) {
      const first = p.trackFirst[k]!;
      const name = p.groupName[p.trackGroup[k]!]!;
      for (let i = first; i < first + p.trackCount[k]!; i++) {
        const c = p.trackCalls[i]!;
        expect(cols.callName[c]).toBe(name);
        expect(p.callTrack[c]).toBe(k);
        if (i > first && !p.trackOverflow[k])
          expect(p.callStartPos[i]!).toBeGreaterThanOrEqual(p.callEndPos[i - 1]!);
        placed++;
      }
    }
    const started = Array.from(cols.callStart).filter((s) => s >= 0).length;
    expect(placed).toBe(started);
    // Far fewer rows than one per call: a handful of lanes per tool.
    expect(p.trackCount.length).toBeLessThan(p.groupName.length * 8 + 1);
    expect(p.trackCount.length).toBeLessThan(cols.callCount / 50);
  });

  it('uses the lowest free lane (first fit): a call that fits lane 0 never lands on lane 1', () => {
    const p = packTracks(cols, 'time');
    for (let g = 0; g < p.groupName.length; g++) {
      if (p.groupTrackCount[g]! < 2) continue;
      const lane0 = p.groupFirstTrack[g]!;
      const lane1 = lane0 + 1;
      const ends0: [number, number][] = [];
      for (let i = p.trackFirst[lane0]!; i < p.trackFirst[lane0]! + p.trackCount[lane0]!; i++)
        ends0.push([p.callStartPos[i]!, p.callEndPos[i]!]);
      for (let i = p.trackFirst[lane1]!; i < p.trackFirst[lane1]! + p.trackCount[lane1]!; i++) {
        const s = p.callStartPos[i]!;
        // Lane 0 was busy at s: some call there started before s and had not ended.
        expect(ends0.some(([a, b]) => a <= s && b > s)).toBe(true);
      }
    }
  });

  it('counts failures so merged pixels can show them', () => {
    const p = packTracks(cols, 'seq');
    const failed = Array.from(cols.callFlags).filter(
      (f, c) => f & CALL_FAILED && cols.callStart[c]! >= 0,
    ).length;
    expect(p.failedBefore[p.trackCalls.length]).toBe(failed);
  });

  it('finds the call under a position on a track (clicks and hover)', () => {
    const p = packTracks(cols, 'seq');
    const i = p.trackFirst[0]! + 3;
    const c = p.trackCalls[i]!;
    const mid = (p.callStartPos[i]! + Math.min(p.callEndPos[i]!, cols.eventCount)) / 2;
    expect(callInTrackAt(p, 0, mid, 0)).toBe(c);
    expect(trackLabel(p, 0)).toContain(p.groupName[0]!);
  });
});

describe('layout for the view', () => {
  const cols = longRun(1500);

  it('collapses turns and packs calls when zoomed out, one row per call when zoomed in', () => {
    const full = fullWindow(cols, 'seq');
    const out = layoutForView(cols, 'seq', full, 1000);
    expect(out.packed).toBeDefined();
    expect(out.rowKind[1]).toBe(ROW_SUMMARY);
    expect(out.rowKind[2]).toBe(ROW_TRACK);
    expect(out.rowCount).toBeLessThan(60);
    // Ten turns in the window: plenty of room per turn, so the full layout.
    const rq = cols.turnRequest;
    const win = { start: positionOf(cols, 'seq', rq[100]!), end: positionOf(cols, 'seq', rq[110]!) };
    expect(requestsInWindow(cols, 'seq', win)).toBe(10);
    expect(layoutForView(cols, 'seq', win, 1000).packed).toBeUndefined();
  });

  it('keeps a short run expanded at any zoom', () => {
    const { cols: small } = loadExample('stale-read');
    expect(layoutForView(small, 'time', fullWindow(small, 'time'), 50).packed).toBeUndefined();
  });

  it('draws the whole long run in a bounded number of rectangles (mipmapped merging)', () => {
    const layout = packedLayoutOf(cols, 'seq');
    const width = 1000;
    const list = buildDrawList({
      cols,
      layout,
      win: fullWindow(cols, 'seq'),
      mode: 'seq',
      width,
      height: 2000,
      scrollY: 0,
      playhead: null,
      anomalies: cols.anomalies,
    });
    const rects = (list.bars.ok.length + list.bars.failed.length + list.bars.open.length) / 4;
    const tracks = layout.rowCount - 2;
    expect(rects).toBeGreaterThan(tracks);
    // At most a few rectangles per pixel column per track, not one per call.
    expect(rects).toBeLessThan(tracks * width * 1.5);
    expect(rects).toBeLessThan(cols.callCount);
    // The expanded layout of the same run would need a row per call and per turn.
    expect(buildLaneLayout(cols).rowCount).toBeGreaterThan(cols.callCount);
  });
});
