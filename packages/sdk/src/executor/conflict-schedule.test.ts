import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CallAccess, conflictSchedule } from './conflict-schedule.ts';

const r = (...keys: string[]) => ({ reads: keys, writes: [] });
const w = (...keys: string[]) => ({ reads: [], writes: keys });
const rw = (...keys: string[]) => ({ reads: keys, writes: keys });

/** `before[i][j]`: i finishes before j starts, following the schedule's edges transitively. */
function closure(preds: number[][]): boolean[][] {
  const n = preds.length;
  const before = preds.map(() => new Array<boolean>(n).fill(false));
  const visit = (j: number, i: number) => {
    for (const p of preds[i]!) {
      if (before[p]![j]) continue;
      before[p]![j] = true;
      visit(j, p);
    }
  };
  for (let j = 0; j < n; j++) visit(j, j);
  return before;
}

/** Pairs (writer, reader) of one key that a stale-free order must run writer-first. */
function mustPrecede(access: readonly CallAccess[]): [number, number][] {
  const out: [number, number][] = [];
  for (const [wi, a] of access.entries())
    for (const [ri, b] of access.entries())
      if (wi !== ri && a.writes.some((k) => b.reads.includes(k))) out.push([wi, ri]);
  return out;
}

function staleFreeOrderExists(access: readonly CallAccess[]): boolean {
  const pairs = mustPrecede(access);
  const n = access.length;
  const perm = (prefix: number[]): boolean => {
    if (prefix.length === n) {
      const pos = new Map(prefix.map((c, i) => [c, i]));
      return pairs.every(([a, b]) => pos.get(a)! < pos.get(b)!);
    }
    for (let c = 0; c < n; c++) if (!prefix.includes(c) && perm([...prefix, c])) return true;
    return false;
  };
  return perm([]);
}

describe('conflictSchedule', () => {
  it('leaves calls without shared keys (or sharing only reads) parallel', () => {
    expect(conflictSchedule([r('a'), r('a'), w('b'), w('c')])).toEqual([[], [], [], []]);
  });

  it('chains writers of one key in index order, each waiting on the one before', () => {
    expect(conflictSchedule([w('a'), w('a'), w('a')])).toEqual([[], [0], [1]]);
  });

  it('runs a key’s writers before its readers, whatever their index', () => {
    expect(conflictSchedule([r('a'), w('a'), r('a')])).toEqual([[1], [], [1]]);
  });

  it('runs a read-modify-write after the blind writers of its key and before the readers', () => {
    expect(conflictSchedule([r('a'), rw('a')])).toEqual([[1], []]);
    expect(conflictSchedule([rw('a'), w('a'), r('a')])).toEqual([[1], [], [0]]);
  });

  it('falls back to index order on a cycle and still orders every conflicting pair', () => {
    const s = conflictSchedule([
      { reads: ['y'], writes: ['x'] },
      { reads: ['x'], writes: ['y'] },
    ]);
    expect(s).toEqual([[], [0]]);
  });

  it('keeps a long chain of writers of one key linear: one edge each, in index order', () => {
    for (const n of [1000, 2000]) {
      const s = conflictSchedule(Array.from({ length: n }, () => w('k')));
      expect(s.every((p, j) => (j === 0 ? p.length === 0 : p.length === 1 && p[0] === j - 1))).toBe(true);
    }
  });

  it('finds a stale-free order whenever one exists, and orders every conflicting pair (vs brute force)', () => {
    const keys = fc.subarray(['a', 'b', 'c']);
    const call = fc.record({ reads: keys, writes: keys });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 6 }), (access) => {
        const before = closure(conflictSchedule(access));
        for (let i = 0; i < access.length; i++) {
          expect(before[i]![i], `cycle through ${i}`).toBe(false);
          for (let j = i + 1; j < access.length; j++) {
            const a = access[i]!;
            const b = access[j]!;
            const conflict =
              a.writes.some((k) => b.reads.includes(k) || b.writes.includes(k)) ||
              b.writes.some((k) => a.reads.includes(k));
            if (conflict) expect(before[i]![j] || before[j]![i], `${i} and ${j} may overlap`).toBe(true);
          }
        }
        if (staleFreeOrderExists(access))
          for (const [wi, ri] of mustPrecede(access))
            expect(before[wi]![ri], `writer ${wi} before reader ${ri}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
