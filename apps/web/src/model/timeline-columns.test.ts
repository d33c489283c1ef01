import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { synthesizeRun } from '@causelane/analysis/testing';
import { CompactTraceReader, readTraceText, toJsonl } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { exampleText, loadExample } from '../testing/load-example.ts';
import {
  buildLaneLayout,
  ROW_AGENT,
  ROW_CALL,
  ROW_TURN,
  rowAt,
  scrollToRow,
  visibleRows,
} from './lane-layout.ts';
import { buildTimelineColumns, CALL_OK, EVENT_CODES, eventIndexOfSeq } from './timeline-columns.ts';

describe('timeline columns', () => {
  it('holds every event and each call lifecycle as event indexes', () => {
    const { cols } = loadExample('stale-read');
    expect(cols.eventCount).toBe(12);
    expect(cols.callId).toEqual(['call_check', 'call_restock']);
    const check = 0;
    expect(cols.seq[cols.callStart[check]!]).toBe(3);
    expect(cols.seq[cols.callEnd[check]!]).toBe(7);
    expect(cols.seq[cols.callCommit[check]!]).toBe(8);
    expect(cols.callTimeout[check]).toBe(-1);
    expect(cols.callFlags[check]! & CALL_OK).toBe(CALL_OK);
    expect(cols.type[5]).toBe(EVENT_CODES['tool.end']);
    expect(cols.lane[5]).toBe(1);
    expect(cols.lane[1]).toBe(-1);
    expect(eventIndexOfSeq(cols, 9)).toBe(9);
    expect(eventIndexOfSeq(cols, 99)).toBe(-1);
  });

  it('places each anomaly on the events that prove it and knows when it became provable', () => {
    const { cols } = loadExample('stale-read');
    const stale = cols.anomalies.find((a) => a.type === 'stale-read')!;
    expect(stale.evs.map((e) => cols.seq[e])).toEqual(stale.seqs);
    expect(stale.knownAt).toBe(eventIndexOfSeq(cols, Math.max(...stale.seqs)));
    // Call events sit on their call's lane; the consuming request sits on the agent lane.
    for (const [k, e] of stale.evs.entries())
      expect(stale.lanes[k]).toBe(cols.lane[e]! >= 0 ? cols.lane[e] : -1);
  });

  it('lays out an agent lane, then per turn a header and its calls in index order', () => {
    const { cols } = loadExample('stale-read');
    const l = buildLaneLayout(cols, 20);
    expect([...l.rowKind]).toEqual([ROW_AGENT, ROW_TURN, ROW_CALL, ROW_CALL, ROW_TURN]);
    expect(l.callRow[1]).toBe(3);
    expect(visibleRows(l, 30, 40)).toEqual([1, 4]);
    expect(rowAt(l, 20, 5)).toBe(1);
    expect(rowAt(l, 0, 500)).toBe(-1);
    expect(scrollToRow(l, 0, 40, 4)).toBe(20);
    expect(scrollToRow(l, 0, 200, 4)).toBe(0);
  });
});

describe('timeline columns from the compact reader', () => {
  it('equal the columns built from full event objects', () => {
    const texts = [
      exampleText('stale-read'),
      exampleText('causal-timeout'),
      exampleText('lost-update'),
      toJsonl(
        synthesizeRun({
          seed: 7,
          turns: 40,
          maxCalls: 5,
          faults: ['premature-llm-call', 'late-commit', 'stale-read', 'commit-order', 'ww-conflict'],
        }),
      ),
    ];
    for (const text of texts) {
      const [run, events] = [...readTraceText(text).runs][0]!;
      const reader = new CompactTraceReader();
      reader.push(text);
      const compact = reader.finish().runs.get(run)!;
      const full = buildRunModel(run, events);
      const lean = buildRunModel(run, compact);
      expect(buildTimelineColumns(lean, analyzeModel(lean))).toEqual(
        buildTimelineColumns(full, analyzeModel(full)),
      );
    }
  });
});
