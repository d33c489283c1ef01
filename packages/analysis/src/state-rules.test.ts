// The state anomaly rules (spec: stale-read, rw-race, ww-conflict), each on the smallest trace that
// shows it.
import { describe, expect, it } from 'vitest';
import { keys, only } from './testing/rule-fixtures.ts';
import { traceBuilder } from './testing/trace-builder.ts';

describe('stale-read', () => {
  const w = (key: string, version: number) => ({ writes: [{ key, version }] });
  const r = (key: string, version: number) => ({ reads: [{ key, version }] });
  it('flags a read older than a write that landed before the model saw it (the seed case)', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'chk', 'put')
      .start(1, 'chk')
      .start(1, 'put')
      .end(1, 'put', w('s', 8));
    b.commit(1, 'put').end(1, 'chk', r('s', 7)).commit(1, 'chk').req(2);
    expect(keys(b)).toEqual(['r|commit-order|warning|1|', 'r|stale-read|error|1|chk']);
    expect(only(b).find((a) => a.type === 'stale-read')!.seqs).toEqual([4, 6, 8]);
  });
  it('flags a lagging replica across turns', () => {
    const b = traceBuilder().req(1).res(1, 'put').start(1, 'put').end(1, 'put', w('s', 2)).commit(1, 'put');
    b.req(2).res(2, 'get').start(2, 'get').end(2, 'get', r('s', 1)).commit(2, 'get').req(3);
    expect(keys(b)).toEqual(['r|stale-read|error|2|get']);
  });
  it('counts state.write events and ignores a call reading its own write', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'rmw')
      .start(1, 'rmw')
      .end(1, 'rmw', { reads: [{ key: 's', version: 1 }], writes: [{ key: 's', version: 2 }] });
    b.commit(1, 'rmw').req(2);
    expect(keys(b)).toEqual([]);
    const c = traceBuilder().req(1).res(1, 'get').start(1, 'get').end(1, 'get', r('s', 1));
    c.ev({ type: 'state.write', key: 's', version: 5 }).commit(1, 'get').req(2);
    expect(keys(c)).toEqual(['r|stale-read|error|1|get']);
    const d = traceBuilder().req(1).res(1, 'get').start(1, 'get').end(1, 'get', r('s', 1));
    d.ev({ type: 'state.write', key: 's', version: 2, turn: 1, call: 'get' }).commit(1, 'get').req(2);
    expect(keys(d)).toEqual(['r|stale-read|error|1|get']);
  });
  it('does not flag a write that comes after the consumption, or a read never consumed', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'get')
      .start(1, 'get')
      .end(1, 'get', r('s', 1))
      .commit(1, 'get')
      .req(2);
    b.res(2, 'put').start(2, 'put').end(2, 'put', w('s', 2)).commit(2, 'put').req(3);
    expect(keys(b)).toEqual([]);
    const c = traceBuilder()
      .req(1)
      .res(1, 'put', 'get')
      .start(1, 'put')
      .end(1, 'put', w('s', 2))
      .start(1, 'get');
    c.end(1, 'get', r('s', 1)).commit(1, 'put').commit(1, 'get');
    expect(keys(c)).toEqual([]);
  });
  it('ignores a synthetic commit (no real result is consumed)', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'get', 'put')
      .start(1, 'put')
      .end(1, 'put', w('s', 2))
      .start(1, 'get');
    b.end(1, 'get', r('s', 1)).timeout(1, 'get').commit(1, 'get', true).commit(1, 'put').req(2);
    expect(keys(b).filter((k) => k.includes('stale'))).toEqual([]);
  });
});

describe('rw-race and ww-conflict', () => {
  const rw = (first: 'read' | 'write') => {
    const b = traceBuilder().req(1).res(1, 'get', 'put').start(1, 'get').start(1, 'put');
    if (first === 'write')
      b.end(1, 'put', { writes: [{ key: 'k', version: 2 }] }).end(1, 'get', {
        reads: [{ key: 'k', version: 2 }],
      });
    else
      b.end(1, 'get', { reads: [{ key: 'k', version: 1 }] }).end(1, 'put', {
        writes: [{ key: 'k', version: 2 }],
      });
    return b.commit(1, 'get').commit(1, 'put');
  };
  it('flags a concurrent read and write of one key as rw-race on the reader', () => {
    expect(keys(rw('write').req(2))).toEqual(['r|rw-race|warning|1|get']);
  });
  it('reports a stale-read instead of rw-race when the read was proven stale', () => {
    expect(keys(rw('read').req(2))).toEqual(['r|stale-read|error|1|get']);
  });
  it('does not flag calls that did not overlap, or that never started', () => {
    const b = traceBuilder()
      .req(1)
      .res(1, 'put', 'get')
      .start(1, 'put')
      .end(1, 'put', { writes: [{ key: 'k', version: 2 }] });
    b.start(1, 'get')
      .end(1, 'get', { reads: [{ key: 'k', version: 2 }] })
      .commit(1, 'put')
      .commit(1, 'get')
      .req(2);
    expect(keys(b)).toEqual([]);
  });
  it('flags concurrent writers of one key on the later call by index, and treats a call that never ends as running', () => {
    const b = traceBuilder().req(1).res(1, 'e1', 'e2').start(1, 'e2').start(1, 'e1');
    b.end(1, 'e2', { writes: [{ key: 'f', version: 3 }] }).end(1, 'e1', {
      writes: [{ key: 'f', version: 2 }],
    });
    b.commit(1, 'e1').commit(1, 'e2').req(2);
    expect(keys(b)).toEqual(['r|ww-conflict|warning|1|e2']);
  });
  it('does not flag writers of different keys or in different turns', () => {
    const b = traceBuilder().req(1).res(1, 'a', 'b').start(1, 'a').start(1, 'b');
    b.end(1, 'a', { writes: [{ key: 'x', version: 1 }] }).end(1, 'b', { writes: [{ key: 'y', version: 1 }] });
    b.commit(1, 'a').commit(1, 'b').req(2);
    expect(keys(b)).toEqual([]);
  });
});
