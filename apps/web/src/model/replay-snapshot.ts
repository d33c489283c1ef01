// The trace as it stood after a given event (Redux DevTools' slider): calls in flight, state
// committed so far, and the anomalies whose proof had fully happened by then.
import type { RunModel } from '@causelane/analysis';
import type { PlacedAnomaly } from './timeline-columns.ts';

export interface InFlightCall {
  call: string;
  name: string;
  turn: number;
  /** 'running' before tool.end; 'uncommitted' once ended but not yet committed, orphaned or timed out. */
  phase: 'running' | 'uncommitted';
}

export interface CommittedKey {
  key: string;
  version: number;
  /** Call whose committed result wrote it, or null for a `state.write` event. */
  call: string | null;
  seq: number;
}

export interface ReplaySnapshot {
  /** Event index the snapshot is taken after. */
  at: number;
  seq: number;
  t: number;
  /** Turn of the latest `llm.request` so far, or 0. */
  turn: number;
  inFlight: InFlightCall[];
  state: CommittedKey[];
  anomalyIds: number[];
}

export function replaySnapshot(
  model: RunModel,
  anomalies: readonly PlacedAnomaly[],
  at: number,
): ReplaySnapshot {
  const src = model.source;
  const last = Math.min(at, src.length - 1);
  const ev = last >= 0 ? src.event(last) : undefined;
  const limit = ev?.seq ?? -1;
  const done = (s: number | undefined) => s !== undefined && s <= limit;
  let turn = 0;
  for (const r of model.requests) if (r.seq <= limit) turn = r.turn;

  const inFlight: InFlightCall[] = [];
  const state = new Map<string, CommittedKey>();
  const put = (k: CommittedKey) => {
    const prev = state.get(k.key);
    if (!prev || k.version >= prev.version) state.set(k.key, k);
  };
  for (const c of model.calls) {
    if (!done(c.startSeq)) continue;
    const resolved = done(c.commitSeq) || done(c.orphanSeq) || done(c.timeoutSeq);
    if (!resolved)
      inFlight.push({
        call: c.id,
        name: c.name,
        turn: c.turn,
        phase: done(c.endSeq) ? 'uncommitted' : 'running',
      });
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
    inFlight,
    state: [...state.values()].sort((a, b) => a.key.localeCompare(b.key)),
    anomalyIds: anomalies.filter((a) => a.knownAt <= last).map((a) => a.id),
  };
}
