import { describe, expect, it } from 'vitest';
import { loadExample } from '../testing/load-example.ts';
import { callDetails } from './call-details.ts';
import { happensBeforeDiagram } from './happens-before.ts';
import { callsInFlight, replaySnapshot } from './replay-snapshot.ts';
import { EMPTY_URL_STATE, formatUrlState, parseUrlState } from './url-state.ts';

describe('replay snapshot', () => {
  it('shows in-flight calls, committed state and known anomalies at each moment', () => {
    const { model, cols } = loadExample('stale-read');
    const s4 = replaySnapshot(model, cols.anomalies, 4);
    expect(
      callsInFlight(cols, 4)
        .map((c) => c.call)
        .sort(),
    ).toEqual(['call_check', 'call_restock']);
    expect(s4.state).toEqual([]);
    expect(s4.anomalyIds).toEqual([]);
    const s6 = replaySnapshot(model, cols.anomalies, 6);
    expect(s6.state).toEqual([{ key: 'stock:A-1', version: 8, call: 'call_restock', seq: 6 }]);
    expect(callsInFlight(cols, 6)).toEqual([
      { call: 'call_check', name: 'check_stock', turn: 1, phase: 'running', timedOut: false },
    ]);
    expect(callsInFlight(cols, 7)[0]!.phase).toBe('uncommitted');
    const end = replaySnapshot(model, cols.anomalies, 11);
    expect(end.anomalyIds.length).toBe(cols.anomalies.length);
    expect(end.turn).toBe(2);
  });
});

describe('happens-before', () => {
  it('marks the edge a late commit breaks', () => {
    const { model } = loadExample('impatient-loop');
    const hb = happensBeforeDiagram(model, 1)!;
    expect(hb.columns.map((c) => c.call)).toEqual([null, 'web', 'calc']);
    const bad = hb.edges.filter((e) => e.violation);
    expect(bad.map((e) => [e.from, e.to])).toEqual([['next', 'web:commit']]);
    // Rows follow seq order.
    const row = (id: string) => hb.nodes.find((n) => n.id === id)!.row;
    expect(row('request')).toBeLessThan(row('response'));
    expect(row('next')).toBeLessThan(row('web:commit'));
  });

  it('has no violation in a causal run', () => {
    const { model } = loadExample('causal-timeout');
    expect(happensBeforeDiagram(model, 1)!.edges.filter((e) => e.violation)).toEqual([]);
  });

  it('relates calls in the inspector by seq', () => {
    const { model } = loadExample('impatient-loop');
    const d = callDetails(model, 'web')!;
    expect(d.relations.find((r) => r.call === 'calc')?.kind).toBe('concurrent');
    expect(d.relations.some((r) => r.kind === 'violation' && r.text.includes('late commit'))).toBe(true);
    expect(d.lifecycle.map((s) => s.label)).toEqual(['listed', 'start', 'end', 'commit']);
    expect(callDetails(model, 'nope')).toBeNull();
  });
});

describe('url state', () => {
  it('round-trips run, call, window and mode, and drops the token', () => {
    const s = {
      ...EMPTY_URL_STATE,
      src: 'https://x.test/t.jsonl',
      run: 'r 1',
      call: 'c&1',
      window: { start: 1000.5, end: 1010.25 },
      mode: 'seq' as const,
    };
    const q = formatUrlState(s, '?token=secret&keep=1');
    expect(q).not.toContain('secret');
    expect(q).toContain('keep=1');
    expect(parseUrlState(q)).toEqual(s);
  });

  it('ignores a nonsense window', () => {
    expect(parseUrlState('?from=5&to=2').window).toBeNull();
    expect(parseUrlState('?from=a&to=2').window).toBeNull();
    expect(parseUrlState('').mode).toBe('time');
  });
});
