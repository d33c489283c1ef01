// The turn-level anomaly rules (spec: premature-llm-call, late-commit, commit-order, orphaned-result,
// unmatched-result), each on the smallest trace that shows it.
import { describe, expect, it } from 'vitest';
import { analyzeEvents } from './analyze.ts';
import { clean, keys, only } from './testing/rule-fixtures.ts';
import { traceBuilder } from './testing/trace-builder.ts';

describe('a correct schedule', () => {
  it('has no anomaly', () => {
    expect(keys(clean())).toEqual([]);
  });
});

describe('premature-llm-call', () => {
  it('flags a call still running at the next request, once, at that request', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'a', 'b')
      .start(1, 'a')
      .start(1, 'b')
      .end(1, 'b')
      .commit(1, 'b')
      .req(2)
      .res(2)
      .req(3);
    const [a] = only(b);
    expect(only(b)).toHaveLength(1);
    expect(a).toMatchObject({
      type: 'premature-llm-call',
      severity: 'error',
      turn: 2,
      call: 'a',
      seqs: [1, 2, 6],
    });
    expect(a!.message).toBe(
      'turn 2 asked the model while tool_a (call a) of turn 1 was still running; it was never resolved',
    );
  });
  it('flags calls that ended but were never committed, and calls never started', () => {
    const b = traceBuilder().req(1).res(1, 'a', 'b').start(1, 'a').end(1, 'a').req(2);
    expect(keys(b)).toEqual(['r|premature-llm-call|error|2|a', 'r|premature-llm-call|error|2|b']);
    expect(only(b).find((x) => x.call === 'b')!.message).toMatch(/had not even started/);
    expect(only(b).find((x) => x.call === 'a')!.message).toMatch(
      /finished but its result was never committed/,
    );
  });
  it('does not flag a call resolved by its timeout or orphan before the request', () => {
    const b = traceBuilder().req(1).res(1, 'a').start(1, 'a').timeout(1, 'a').commit(1, 'a', true).req(2);
    expect(keys(b)).toEqual([]);
  });
  it('ignores requests of the same turn (a retry)', () => {
    const b = traceBuilder().req(1).res(1, 'a').start(1, 'a').req(1).end(1, 'a').commit(1, 'a').req(2);
    expect(keys(b)).toEqual([]);
  });
});

describe('late-commit', () => {
  it('flags a commit after a later turn asked the model', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'a')
      .start(1, 'a')
      .timeout(1, 'a')
      .req(2)
      .end(1, 'a')
      .commit(1, 'a');
    expect(keys(b)).toEqual(['r|late-commit|error|1|a']);
    expect(only(b)[0]!.seqs).toEqual([4, 5, 6]);
  });
  it('does not flag a commit before the next request', () => {
    expect(keys(clean())).toEqual([]);
  });
});

describe('commit-order', () => {
  it('flags a turn whose on-time commits are out of call order, showing both orders', () => {
    const b = traceBuilder().req(1).res(1, 'a', 'b', 'c').start(1, 'a').start(1, 'b').start(1, 'c');
    b.end(1, 'c').end(1, 'a').end(1, 'b').commit(1, 'c').commit(1, 'a').commit(1, 'b').req(2);
    const [a] = only(b);
    expect(only(b)).toHaveLength(1);
    expect(a).toMatchObject({
      type: 'commit-order',
      severity: 'warning',
      turn: 1,
      call: null,
      seqs: [8, 9, 10],
    });
    expect(a!.message).toBe(
      'turn 1 committed results in arrival order c, a, b instead of call order a, b, c',
    );
  });
  it('counts synthetic commits but not late ones', () => {
    const synth = traceBuilder()
      .req(1)
      .res(1, 'a', 'b')
      .start(1, 'a')
      .start(1, 'b')
      .end(1, 'b')
      .commit(1, 'b')
      .timeout(1, 'a');
    synth.commit(1, 'a', true).req(2);
    expect(keys(synth)).toContain('r|commit-order|warning|1|');
    const late = traceBuilder()
      .req(1)
      .res(1, 'a', 'b')
      .start(1, 'a')
      .start(1, 'b')
      .end(1, 'b')
      .commit(1, 'b')
      .timeout(1, 'a');
    late.req(2).end(1, 'a').commit(1, 'a');
    expect(keys(late)).toEqual(['r|late-commit|error|1|a']);
  });
});

describe('orphaned-result', () => {
  it('is info when the late result went to the orphan buffer', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'a')
      .start(1, 'a')
      .timeout(1, 'a')
      .commit(1, 'a', true)
      .req(2)
      .end(1, 'a')
      .orphan(1, 'a');
    expect(keys(b)).toEqual(['r|orphaned-result|info|1|a']);
    expect(only(b)[0]!.seqs).toEqual([3, 6, 7]);
  });
  it('is a warning when the late result was neither committed nor orphaned', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'a')
      .start(1, 'a')
      .timeout(1, 'a')
      .commit(1, 'a', true)
      .end(1, 'a')
      .req(2);
    expect(keys(b)).toEqual(['r|orphaned-result|warning|1|a']);
  });
  it('is not reported when the result arrived in time, or was committed late (that is a late-commit)', () => {
    expect(keys(clean())).toEqual([]);
    const b = traceBuilder()
      .req(1)
      .res(1, 'a')
      .start(1, 'a')
      .timeout(1, 'a')
      .req(2)
      .end(1, 'a')
      .commit(1, 'a');
    expect(keys(b)).toEqual(['r|late-commit|error|1|a']);
  });
});

describe('unmatched-result', () => {
  it('flags an unknown call id, a wrong turn and a second commit, and lets them count for nothing else', () => {
    const b = traceBuilder().req(1).res(1, 'a').start(1, 'a').end(1, 'a').commit(1, 'a');
    b.end(1, 'ghost', { writes: [{ key: 'k', version: 9 }] })
      .commit(1, 'ghost')
      .commit(1, 'a')
      .req(2)
      .res(2, 'b');
    b.start(2, 'b').end(2, 'b').commit(1, 'b').commit(2, 'b').req(3);
    expect(keys(b)).toEqual([
      'r|unmatched-result|error|1|a',
      'r|unmatched-result|error|1|b',
      'r|unmatched-result|error|1|ghost',
      'r|unmatched-result|error|1|ghost',
    ]);
    const wrong = only(b).find((a) => a.call === 'b')!;
    expect(wrong.message).toBe('a tool commit names call b as turn 1, but the call belongs to turn 2');
  });
  it('does not resolve a call: a commit under the wrong turn leaves it unresolved', () => {
    const b = traceBuilder().req(1).res(1, 'a').start(1, 'a').end(1, 'a').commit(2, 'a').req(2);
    expect(keys(b)).toEqual(['r|premature-llm-call|error|2|a', 'r|unmatched-result|error|2|a']);
  });
});

describe('analyzeEvents', () => {
  it('summarises each run', () => {
    const b = clean().ev({ type: 'run.end', status: 'ok' });
    const { runs } = analyzeEvents(b.events);
    expect(runs).toEqual([
      {
        run: 'r',
        agent: null,
        mode: null,
        status: 'ok',
        events: 10,
        turns: 2,
        calls: 2,
        start: 1_760_000_000_000,
        end: 1_760_000_000_090,
        anomalies: { error: 0, warning: 0, info: 0 },
      },
    ]);
  });
});
