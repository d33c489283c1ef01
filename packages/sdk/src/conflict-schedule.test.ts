import { describe, expect, it } from 'vitest';
import { conflictSchedule } from './conflict-schedule.ts';

const r = (...keys: string[]) => ({ reads: keys, writes: [] });
const w = (...keys: string[]) => ({ reads: [], writes: keys });

describe('conflictSchedule', () => {
  it('leaves calls without shared keys (or sharing only reads) parallel', () => {
    expect(conflictSchedule([r('a'), r('a'), w('b'), w('c')])).toEqual([[], [], [], []]);
  });

  it('orders writers of one key by index', () => {
    expect(conflictSchedule([w('a'), w('a'), w('a')])).toEqual([[], [0], [0, 1]]);
  });

  it('runs a key’s writers before its readers, whatever their index', () => {
    expect(conflictSchedule([r('a'), w('a'), r('a')])).toEqual([[1], [], [1]]);
  });

  it('treats a read-modify-write call as a writer', () => {
    expect(conflictSchedule([r('a'), { reads: ['a'], writes: ['a'] }])).toEqual([[1], []]);
  });

  it('falls back to index order on a cycle and still orders every conflicting pair', () => {
    const s = conflictSchedule([
      { reads: ['y'], writes: ['x'] },
      { reads: ['x'], writes: ['y'] },
    ]);
    expect(s).toEqual([[], [0]]);
  });
});
