// Both sides of a state anomaly for the inspector: per key, the call that read it (with the version
// it saw) and the calls or state.write events that wrote it (with theirs), each with its seq.
import { stateOpsAt } from './state-ops.ts';
import type { PlacedAnomaly, TimelineColumns } from './timeline-columns.ts';

export const STATE_ANOMALIES = new Set(['stale-read', 'rw-race', 'ww-conflict']);

export interface StateSide {
  /** The call (id and name), or null for an agent-side state.write. */
  call: string | null;
  name: string;
  version: number;
  seq: number;
}

export interface KeyEvidence {
  key: string;
  readers: StateSide[];
  writers: StateSide[];
  /** A writer's version is newer than a reader's: the read saw old data. */
  stale: boolean;
}

/** The keys that the anomaly's proof events both read and write (or write twice, for ww-conflict). */
export function stateEvidence(cols: TimelineColumns, a: PlacedAnomaly): KeyEvidence[] {
  if (!STATE_ANOMALIES.has(a.type)) return [];
  const byKey = new Map<string, KeyEvidence>();
  const seen = new Set<string>();
  a.evs.forEach((ev, k) => {
    if (ev < 0) return;
    const lane = a.lanes[k]!;
    const own = lane >= 0 && cols.lane[ev] === lane;
    const ops = stateOpsAt(cols, ev, own ? lane : undefined);
    const side = (version: number): StateSide => ({
      call: lane >= 0 ? cols.callId[lane]! : null,
      name: lane >= 0 ? cols.callName[lane]! : 'agent (state.write)',
      version,
      seq: cols.seq[ev]!,
    });
    const at = (key: string) => {
      let e = byKey.get(key);
      if (!e) {
        e = { key, readers: [], writers: [], stale: false };
        byKey.set(key, e);
      }
      return e;
    };
    for (const r of ops.reads) {
      const id = `r${ev}|${r.key}`;
      if (!seen.has(id)) at(r.key).readers.push(side(r.version));
      seen.add(id);
    }
    for (const w of ops.writes) {
      const id = `w${ev}|${w.key}`;
      if (!seen.has(id)) at(w.key).writers.push(side(w.version));
      seen.add(id);
    }
  });
  const out: KeyEvidence[] = [];
  for (const e of byKey.values()) {
    const shared =
      a.type === 'ww-conflict' ? e.writers.length > 1 : e.readers.length > 0 && e.writers.length > 0;
    if (!shared) continue;
    e.stale = e.readers.some((r) => e.writers.some((w) => w.version > r.version));
    out.push(e);
  }
  return out;
}
