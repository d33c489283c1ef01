// Orders the calls of one batch that conflict on a state key (read-write or write-write); calls
// that share nothing stay parallel.
//
// Why writers go before readers: the trace format flags a read as stale when a write of the same
// key with a higher version lands before the model consumes the read. Running the calls in index
// order would give [read k, write k] exactly that stale read, even with no overlap. So for each key
// the writers run first (in index order, one at a time: no lost update), then its readers, which
// then all see the batch's final state; the model gets one consistent snapshot. Only when two calls
// would each have to go first (A writes x and reads y, B writes y and reads x) does index order win,
// and such a batch can still show a stale read.
export interface CallAccess {
  reads: readonly string[];
  writes: readonly string[];
}

/** For each call (by index), the indices of the conflicting calls that must finish before it starts. */
export function conflictSchedule(access: readonly CallAccess[]): number[][] {
  const n = access.length;
  if (access.every((a) => a.reads.length === 0 && a.writes.length === 0)) return access.map(() => []);
  const writes = access.map((a) => new Set(a.writes));
  const touches = access.map((a) => new Set([...a.reads, ...a.writes]));
  const conflicts: boolean[][] = access.map(() => new Array<boolean>(n).fill(false));
  /** before[j] holds i when i must run before j. */
  const before: Set<number>[] = access.map(() => new Set<number>());
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let iFirst = false;
      let jFirst = false;
      for (const k of touches[i]!) {
        if (!touches[j]!.has(k)) continue;
        const wi = writes[i]!.has(k);
        const wj = writes[j]!.has(k);
        if (wi) iFirst = true;
        else if (wj) jFirst = true;
      }
      if (!iFirst && !jFirst) continue;
      conflicts[i]![j] = conflicts[j]![i] = true;
      if (jFirst && !iFirst) before[i]!.add(j);
      else before[j]!.add(i);
    }
  }
  // Topological order, lowest index first among the ready; a cycle falls back to the lowest index.
  const rank = new Array<number>(n).fill(-1);
  for (let r = 0; r < n; r++) {
    let pick = -1;
    for (let c = 0; c < n && pick < 0; c++) {
      if (rank[c]! >= 0) continue;
      if ([...before[c]!].every((p) => rank[p]! >= 0)) pick = c;
    }
    if (pick < 0) pick = rank.indexOf(-1);
    rank[pick] = r;
  }
  return access.map((_, j) => {
    const preds: number[] = [];
    for (let i = 0; i < n; i++) if (conflicts[j]![i] && rank[i]! < rank[j]!) preds.push(i);
    return preds;
  });
}
