// Orders the calls of one batch that conflict on a state key (read-write or write-write); calls
// that share nothing stay parallel. Near-linear in the number of declared keys.
//
// Why the order matters: the trace format flags a read of k as stale when another call's write of
// k with a higher version lands before the model consumes the read. So every reader of k must run
// after every *other* writer of k, a read-modify-write (reads and writes k) included: it must come
// after the blind writers of k, and the pure readers after it. Those constraints form a graph; any
// topological order of it is stale-free, and when it has a cycle no stale-free order exists (two
// read-modify-writes of one key, or A writes x and reads y while B writes y and reads x). Then the
// lowest index of the stuck calls goes first. Ties go to the lower index, so writers of one key
// with nothing else between them run in index order.
export interface CallAccess {
  reads: readonly string[];
  writes: readonly string[];
}

interface KeyCalls {
  /** Write k without reading it. */
  writers: number[];
  /** Read and write k. */
  rmw: number[];
  /** Read k without writing it. */
  readers: number[];
}

/**
 * For each call (by index), the calls that must finish before it starts: per key, a writer waits
 * for the previous writer and the readers since; a reader waits for the previous writer. Together
 * they order every conflicting pair, with few edges (not one per pair).
 */
export function conflictSchedule(access: readonly CallAccess[]): number[][] {
  const n = access.length;
  const preds: number[][] = new Array(n);
  for (let i = 0; i < n; i++) preds[i] = [];
  // Fast path: when no key is touched twice with a write among the touches, nothing conflicts.
  if (!anyConflict(access)) return preds;
  const byKey = new Map<string, KeyCalls>();
  const writeSets: (Set<string> | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const { reads, writes } = access[i]!;
    if (reads.length === 0 && writes.length === 0) continue;
    const w = new Set(writes);
    writeSets[i] = w;
    const r = new Set(reads);
    for (const k of w) push(byKey, k, r.has(k) ? 'rmw' : 'writers', i);
    for (const k of r) if (!w.has(k)) push(byKey, k, 'readers', i);
  }
  // Keys only one call touches, or only readers, constrain nothing.
  for (const [k, kc] of byKey)
    if (kc.writers.length + kc.rmw.length === 0 || kc.writers.length + kc.rmw.length + kc.readers.length < 2)
      byKey.delete(k);
  if (byKey.size === 0) return preds;
  const rank = order(n, byKey);
  const position = new Int32Array(n);
  for (let r = 0; r < n; r++) position[rank[r]!] = r;
  const byRank = (a: number, b: number) => position[a]! - position[b]!;
  for (const [key, kc] of byKey) {
    if (kc.writers.length + kc.rmw.length === 0) continue; // only readers: no conflict
    const touching = [...kc.writers, ...kc.rmw, ...kc.readers].sort(byRank);
    let lastWriter = -1;
    let readersSince: number[] = [];
    for (const c of touching) {
      if (writeSets[c]!.has(key)) {
        if (readersSince.length > 0) for (const r of readersSince) preds[c]!.push(r);
        else if (lastWriter >= 0) preds[c]!.push(lastWriter);
        lastWriter = c;
        readersSince = [];
      } else {
        if (lastWriter >= 0) preds[c]!.push(lastWriter);
        readersSince.push(c);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const p = preds[i]!;
    if (p.length > 1) preds[i] = [...new Set(p)].sort((a, b) => a - b);
  }
  return preds;
}

/** Whether two different calls touch one key, at least one of them writing it. */
function anyConflict(access: readonly CallAccess[]): boolean {
  /** Per key: the first call that touched it, and whether a write was among the touches. */
  const seen = new Map<string, number>();
  const written = new Set<string>();
  for (let i = 0; i < access.length; i++) {
    const { reads, writes } = access[i]!;
    for (const k of writes) {
      const first = seen.get(k);
      if (first === undefined) seen.set(k, i);
      else if (first !== i) return true;
      written.add(k);
    }
    for (const k of reads) {
      const first = seen.get(k);
      if (first === undefined) seen.set(k, i);
      else if (first !== i && written.has(k)) return true;
    }
  }
  // A read seen before a later call's write of the same key.
  for (let i = 0; i < access.length; i++)
    for (const k of access[i]!.reads) if (written.has(k) && seen.get(k) !== i) return true;
  return false;
}

function push(byKey: Map<string, KeyCalls>, key: string, role: keyof KeyCalls, i: number): void {
  let kc = byKey.get(key);
  if (!kc) {
    kc = { writers: [], rmw: [], readers: [] };
    byKey.set(key, kc);
  }
  kc[role].push(i);
}

/**
 * A topological order of the stale-free constraints, lowest index first among the ready calls.
 * Per key two barrier nodes stand for "every blind writer is done" and "every writer is done", so
 * the graph has edges per declared key, not per conflicting pair.
 */
function order(n: number, byKey: Map<string, KeyCalls>): number[] {
  const out: number[][] = [];
  const indegree: number[] = new Array(n).fill(0);
  for (let i = 0; i < n; i++) out.push([]);
  const node = () => {
    out.push([]);
    indegree.push(0);
    return out.length - 1;
  };
  const edge = (a: number, b: number) => {
    out[a]!.push(b);
    indegree[b]!++;
  };
  for (const kc of byKey.values()) {
    if (kc.writers.length + kc.rmw.length === 0) continue;
    const blindDone = node();
    const allDone = node();
    for (const w of kc.writers) edge(w, blindDone);
    for (const m of kc.rmw) {
      edge(blindDone, m);
      edge(m, allDone);
    }
    edge(blindDone, allDone);
    for (const r of kc.readers) edge(allDone, r);
  }
  const ready = new MinHeap();
  const barriers: number[] = [];
  const done = new Uint8Array(out.length);
  const release = (v: number) => {
    for (const d of out[v]!) if (--indegree[d]! === 0 && !done[d]) d < n ? ready.push(d) : barriers.push(d);
  };
  for (let i = 0; i < out.length; i++) if (indegree[i] === 0) i < n ? ready.push(i) : barriers.push(i);
  const rank: number[] = [];
  let scan = 0;
  while (rank.length < n) {
    while (barriers.length > 0) {
      const b = barriers.pop()!;
      done[b] = 1;
      release(b);
    }
    let c = ready.pop();
    if (c === undefined) {
      // A cycle: no stale-free order exists; the lowest stuck index goes first.
      while (done[scan]) scan++;
      c = scan;
    }
    if (done[c]) continue;
    done[c] = 1;
    rank.push(c);
    release(c);
  }
  return rank;
}

/** A binary min-heap of call indices. */
class MinHeap {
  private readonly items: number[] = [];

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }

  pop(): number | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
