import { describe, expect, it } from 'vitest';
import { EMPTY_URL_STATE, formatUrlState, isNewPlace, parseUrlState } from './url-state.ts';

describe('url state', () => {
  it('round-trips a local file name, the playhead, a turn and a comparison', () => {
    const s = {
      ...EMPTY_URL_STATE,
      file: 'stale read.jsonl',
      run: 'inventory',
      turn: 2,
      at: 7,
      compare: { scenario: 'hung-tool', seed: 42, naive: 'n-1', causal: 'c-1' },
    };
    expect(parseUrlState(formatUrlState(s))).toEqual(s);
  });
  it('drops a file name once the source is a URL, and ignores a malformed seed or playhead', () => {
    expect(formatUrlState({ ...EMPTY_URL_STATE, src: '/t.jsonl', file: 'x.jsonl' })).not.toContain('file=');
    const q = parseUrlState('?compare=hung-tool&seed=x&at=-3');
    expect(q.compare).toBeNull();
    expect(q.at).toBeNull();
  });
  it('tells a new place (push) from a refinement of the view (replace)', () => {
    const a = { ...EMPTY_URL_STATE, run: 'r' };
    expect(isNewPlace(a, { ...a, window: { start: 0, end: 1 }, at: 3 })).toBe(false);
    expect(isNewPlace(a, { ...a, call: 'c' })).toBe(true);
    expect(isNewPlace(a, { ...a, compare: { scenario: 's', seed: 1, naive: null, causal: null } })).toBe(
      true,
    );
  });
});
