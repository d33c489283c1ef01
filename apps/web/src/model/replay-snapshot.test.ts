import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { readTraceText } from '@causelane/trace-schema';
import { describe, expect, it } from 'vitest';
import { exampleText } from '../testing/load-example.ts';
import { buildDrawList } from './draw-list.ts';
import { buildLaneLayout } from './lane-layout.ts';
import { callsInFlight, replaySnapshot } from './replay-snapshot.ts';
import { buildTimelineColumns } from './timeline-columns.ts';
import { fullWindow } from './viewport.ts';

/** A naive loop that gives up on a hung run_tests (timeout at seq 7) whose result lands at seq 12. */
const HUNG = [
  { type: 'run.start', agent: 'ci-agent', mode: 'naive' },
  { type: 'llm.request', turn: 1 },
  {
    type: 'llm.response',
    turn: 1,
    calls: [
      { id: 'tests', name: 'run_tests' },
      { id: 'lint', name: 'lint' },
    ],
  },
  { type: 'tool.start', turn: 1, call: 'tests' },
  { type: 'tool.start', turn: 1, call: 'lint' },
  { type: 'tool.end', turn: 1, call: 'lint', ok: true },
  { type: 'tool.commit', turn: 1, call: 'lint' },
  { type: 'tool.timeout', turn: 1, call: 'tests', after_ms: 800 },
  { type: 'llm.request', turn: 2 },
  { type: 'llm.response', turn: 2, calls: [{ id: 'status', name: 'post_status' }] },
  { type: 'tool.start', turn: 2, call: 'status' },
  { type: 'tool.end', turn: 2, call: 'status', ok: true },
  { type: 'tool.end', turn: 1, call: 'tests', ok: true },
  { type: 'tool.commit', turn: 1, call: 'tests' },
  { type: 'run.end', status: 'ok' },
].map((e, seq) => JSON.stringify({ v: 1, run: 'hung', seq, t: 1_760_000_000_000 + seq * 100, ...e }));

function columnsOf(text: string) {
  const [run, events] = [...readTraceText(text).runs][0]!;
  const model = buildRunModel(run, events);
  return { model, cols: buildTimelineColumns(model, analyzeModel(model)) };
}

describe('calls in flight', () => {
  it('keeps a naive call that timed out in flight while it is still running', () => {
    const { model, cols } = columnsOf(HUNG.join('\n'));
    expect(replaySnapshot(model, cols.anomalies, 7).seq).toBe(7);
    expect(callsInFlight(cols, 7)).toEqual([
      { call: 'tests', name: 'run_tests', turn: 1, phase: 'running', timedOut: true },
    ]);
    // After its late result and commit only post_status, ended but never committed, is left.
    expect(callsInFlight(cols, 13).map((c) => [c.call, c.phase])).toEqual([['status', 'uncommitted']]);
  });

  for (const name of ['stale-read', 'impatient-loop', 'causal-timeout', 'lost-update', 'hung']) {
    it(`lists as running exactly the calls the timeline draws as open bars (${name})`, () => {
      const { cols } = columnsOf(name === 'hung' ? HUNG.join('\n') : exampleText(name));
      const layout = buildLaneLayout(cols, 20);
      for (let at = 0; at < cols.eventCount; at++) {
        const list = buildDrawList({
          cols,
          layout,
          win: fullWindow(cols, 'seq'),
          mode: 'seq',
          width: 1000,
          height: 10_000,
          scrollY: 0,
          playhead: at,
          anomalies: [],
        });
        const drawnOpen: string[] = [];
        for (let i = 0; i < list.bars.open.length; i += 4) {
          const row = Math.round((list.bars.open[i + 1]! - 4) / 20);
          drawnOpen.push(cols.callId[layout.rowRef[row]!]!);
        }
        const running = callsInFlight(cols, at)
          .filter((c) => c.phase === 'running')
          .map((c) => c.call);
        expect(running.sort(), `at event ${at}`).toEqual(drawnOpen.sort());
      }
    });
  }
});
