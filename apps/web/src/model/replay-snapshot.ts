// The trace as it stood after a given event (Redux DevTools' slider): calls in flight, state
// committed so far, and the anomalies whose proof had fully happened by then. Calls in flight are
// read from the same columns the timeline draws from, so the panel and the canvas always agree.
import type { RunModel } from '@causelane/analysis';
import type { TimelineColumns } from './timeline-columns.ts';

export interface InFlightCall {
  call: string;
  name: string;
  turn: number;
  /** 'running' before tool.end; 'uncommitted' once ended but not yet committed, orphaned or timed out. */
  phase: 'running' | 'uncommitted';
  /** A timeout was recorded for it, yet it was still running or unresolved (naive executors). */
  timedOut: boolean;
}

export interface CommittedKey {
  key: string;
  version: number;
  /** Call whose committed result wrote it, or null for a `state.write` event. */
  call: string | null;
  seq: number;
}

/** What the worker knows at a moment; the calls in flight come from the columns (callsInFlight). */
export interface ReplaySnapshot {
  /** Event index the snapshot is taken after. */
  at: number;
  seq: number;
  t: number;
  /** Turn of the latest `llm.request` so far, or 0. */
  turn: number;
  state: CommittedKey[];
  anomalyIds: number[];
}

/**
 * Calls in flight after event `at`, from the timeline's columns: a call is running from its
 * tool.start until its tool.end (what the canvas draws as an open bar, even after a timeout), then
 * uncommitted until a commit, an orphan or a timeout resolves it.
 */
export function callsInFlight(cols: TimelineColumns, at: number): InFlightCall[] {
  const done = (i: number) => i >= 0 && i <= at;
  const out: InFlightCall[] = [];
  for (let c = 0; c < cols.callCount; c++) {
    if (!done(cols.callStart[c]!)) continue;
    const timedOut = done(cols.callTimeout[c]!);
    const running = !done(cols.callEnd[c]!);
    const resolved = done(cols.callCommit[c]!) || done(cols.callOrphan[c]!) || timedOut;
    if (!running && resolved) continue;
    out.push({
      call: cols.callId[c]!,
      name: cols.callName[c]!,
      turn: cols.callTurn[c]!,
      phase: running ? 'running' : 'uncommitted',
      timedOut,
    });
  }
  return out;
}

export function replaySnapshot(
  model: RunModel,
  anomalies: TimelineColumns['anomalies'],
  at: number,
): ReplaySnapshot {
  const src = model.source;
  const last = Math.min(at, src.length - 1);
  const ev = last >= 0 ? src.event(last) : undefined;
  const limit = ev?.seq ?? -1;
  const done = (s: number | undefined) => s !== undefined && s <= limit;
  let turn = 0;
  for (const r of model.requests) if (r.seq <= limit) turn = r.turn;

  const state = new Map<string, CommittedKey>();
  const put = (k: CommittedKey) => {
    const prev = state.get(k.key);
    if (!prev || k.version >= prev.version) state.set(k.key, k);
  };
  for (const c of model.calls) {
    if (done(c.commitSeq) && !c.synthetic && done(c.endSeq)) {
      for (const w of c.writes) put({ key: w.key, version: w.version, call: c.id, seq: c.commitSeq! });
    }
  }
  for (let i = 0; i <= last; i++) {
    const e = src.event(i);
    if (e.type === 'state.write') put({ key: e.key, version: e.version, call: null, seq: e.seq });
  }
  return {
    at: last,
    seq: limit,
    t: ev?.t ?? 0,
    turn,
    state: [...state.values()].sort((a, b) => a.key.localeCompare(b.key)),
    anomalyIds: anomalies.filter((a) => a.knownAt <= last).map((a) => a.id),
  };
}
