// The state anomaly rules of the shared spec/trace-format-v1.md (stale-read, rw-race, ww-conflict),
// over a RunModel: each anomaly cites the read and the write that prove it.
import type { Anomaly } from './anomaly.ts';
import { firstConcurrent } from './first-concurrent.ts';
import type { CallModel, RunModel, TurnModel } from './model.ts';
import { readCount, readKey, writeCount, writeKey } from './new-call.ts';
import { label, seqs } from './rule-labels.ts';
import { StaleReadFold } from './stale-read-fold.ts';

/** stale-read findings, with the (call, key) pairs they cover so rw-race can skip them. */
export function staleRead(m: RunModel): { anomalies: Anomaly[]; staleKeys: Set<string> } {
  // One copy of the rule: the live analyzer's resumable fold, run once over the whole model. On a
  // complete model a commit "awaiting" its tool.end is one whose call never ended (it read nothing).
  const fold = new StaleReadFold();
  fold.advance(m);
  return { anomalies: fold.anomalies, staleKeys: fold.staleKeys };
}

/** Neither's end comes before the other's start; a call that never started is concurrent with nothing. */
export function concurrent(a: CallModel, b: CallModel): boolean {
  if (a.startSeq === undefined || b.startSeq === undefined) return false;
  const aBefore = a.endSeq !== undefined && a.endSeq < b.startSeq;
  const bBefore = b.endSeq !== undefined && b.endSeq < a.startSeq;
  return !aBefore && !bBefore;
}

/**
 * Per turn and key, the calls that read it and that write it (each call once, in call order; keys in
 * order of first use, which orders anomalies that tie in compareAnomalies).
 */
function keyUsers(t: TurnModel): Map<string, { readers: CallModel[]; writers: CallModel[] }> {
  const byKey = new Map<string, { readers: CallModel[]; writers: CallModel[] }>();
  const get = (k: string) => {
    let u = byKey.get(k);
    if (!u) {
      u = { readers: [], writers: [] };
      byKey.set(k, u);
    }
    return u;
  };
  for (const c of t.calls) {
    // Calls come in order, so a call naming a key twice finds itself last in the list.
    for (let j = 0, nr = readCount(c); j < nr; j++) {
      const u = get(readKey(c, j)).readers;
      if (u[u.length - 1] !== c) u.push(c);
    }
    for (let j = 0, nw = writeCount(c); j < nw; j++) {
      const u = get(writeKey(c, j)).writers;
      if (u[u.length - 1] !== c) u.push(c);
    }
  }
  return byKey;
}

/** Whether two or more calls of the turn could race: some call writes, and another one exists. */
function mayRace(t: TurnModel): boolean {
  if (t.calls.length < 2) return false;
  for (const c of t.calls) if (writeCount(c) > 0) return true;
  return false;
}

/** rw-race and ww-conflict per turn and key: one sweep per key (firstConcurrent), O(n log n), not readers x writers. */
export function races(m: RunModel, staleKeys: Set<string>): Anomaly[] {
  const out: Anomaly[] = [];
  // Calls with any stale key: only their (call, key) strings need building and looking up. Every
  // prefix ending at a NUL, so an id or key that holds one cannot hide a call.
  const staleCalls = new Set<string>();
  for (const k of staleKeys)
    for (let p = k.indexOf('\u0000'); p >= 0; p = k.indexOf('\u0000', p + 1)) staleCalls.add(k.slice(0, p));
  for (const t of m.turns) {
    if (!mayRace(t)) continue;
    for (const [key, { readers, writers }] of keyUsers(t)) {
      if (writers.length === 0) continue;
      const queried =
        staleCalls.size === 0
          ? readers
          : readers.filter((r) => !staleCalls.has(r.id) || !staleKeys.has(`${r.id}\u0000${key}`));
      if (queried.length > 0) racesOfKey(m, t, key, writers, queried, out);
      // One writer conflicts with no one (firstConcurrent skips a call against itself).
      if (writers.length > 1) conflictsOfKey(m, t, key, writers, out);
    }
  }
  return out;
}

function racesOfKey(
  m: RunModel,
  t: TurnModel,
  key: string,
  writers: CallModel[],
  queried: CallModel[],
  out: Anomaly[],
): void {
  firstConcurrent(writers, queried).forEach((wi, qi) => {
    if (wi < 0) return;
    const [r, w] = [queried[qi]!, writers[wi]!];
    out.push({
      type: 'rw-race',
      severity: 'warning',
      run: m.run,
      turn: t.turn,
      call: r.id,
      seqs: seqs(r.startSeq, w.startSeq, r.endSeq, w.endSeq),
      message: `${label(r)} read ${key} while ${label(w)} was writing it in parallel in turn ${t.turn}; what it saw depends on which finished first`,
    });
  });
}

function conflictsOfKey(m: RunModel, t: TurnModel, key: string, writers: CallModel[], out: Anomaly[]): void {
  const sorted = [...writers].sort((a, b) => a.index - b.index);
  firstConcurrent(sorted, sorted).forEach((ei, i) => {
    // Only an earlier writer counts: the later one of the two carries the conflict.
    if (ei < 0 || ei >= i) return;
    const [earlier, later] = [sorted[ei]!, sorted[i]!];
    out.push({
      type: 'ww-conflict',
      severity: 'warning',
      run: m.run,
      turn: t.turn,
      call: later.id,
      seqs: seqs(earlier.startSeq, later.startSeq, earlier.endSeq, later.endSeq),
      message: `${label(earlier)} and ${label(later)} both wrote ${key} in parallel in turn ${t.turn}; one update can silently overwrite the other (lost update)`,
    });
  });
}
