// The proof of an anomaly as a picture: the events its `seqs` name, in happens-before (seq) order,
// each described in words (with the state keys and versions it read or wrote), and an arrow from
// each to the next, like the flow arrows Perfetto draws between slices.
import { stateLabel, stateOpsAt } from './state-ops.ts';
import { EVENT_NAMES, type PlacedAnomaly, type TimelineColumns } from './timeline-columns.ts';

export interface ProofStep {
  /** Event index, seq, and the call lane it sits on (-1: the agent's lane). */
  ev: number;
  seq: number;
  lane: number;
  type: string;
  /** `seq 5 · restock tool.end · wrote stock:A-1 v8`. */
  text: string;
}

export interface ProofArrow {
  /** Indexes into the steps. */
  from: number;
  to: number;
  /** What the edge means: `write → read`, `end → commit`, `commit → request`, … */
  kind: string;
}

export interface Proof {
  anomaly: number;
  steps: ProofStep[];
  arrows: ProofArrow[];
}

/** Who did an event: the call's name, or the agent. */
function actorOf(cols: TimelineColumns, lane: number): string {
  return lane >= 0 ? cols.callName[lane]! : 'agent';
}

function shortType(type: string): string {
  return type.startsWith('tool.') ? type.slice(5) : type.startsWith('llm.') ? type.slice(4) : type;
}

export function proofOf(cols: TimelineColumns, a: PlacedAnomaly): Proof {
  const steps: ProofStep[] = [];
  a.evs.forEach((ev, k) => {
    if (ev < 0) return;
    const lane = a.lanes[k]!;
    const type = EVENT_NAMES[cols.type[ev]!]!;
    const ops = stateOpsAt(cols, ev, lane >= 0 && cols.lane[ev] === lane ? lane : undefined);
    const state = [
      ...ops.reads.map((r) => `read ${stateLabel(r)}`),
      ...ops.writes.map((w) => `wrote ${stateLabel(w)}`),
    ];
    const turn = type === 'llm.request' ? requestTurn(cols, ev) : null;
    const head = `seq ${cols.seq[ev]} · ${actorOf(cols, lane)} ${type}${turn === null ? '' : ` turn ${turn}`}`;
    steps.push({
      ev,
      seq: cols.seq[ev]!,
      lane,
      type,
      text: state.length ? `${head} · ${state.join(', ')}` : head,
    });
  });
  steps.sort((x, y) => x.seq - y.seq);
  const arrows: ProofArrow[] = [];
  for (let i = 1; i < steps.length; i++)
    arrows.push({ from: i - 1, to: i, kind: edgeKind(cols, steps[i - 1]!, steps[i]!) });
  return { anomaly: a.id, steps, arrows };
}

/** Turn number of the `llm.request` at event `ev`. */
function requestTurn(cols: TimelineColumns, ev: number): number | null {
  for (let ti = 0; ti < cols.turnCount; ti++) if (cols.turnRequest[ti] === ev) return cols.turnNumber[ti]!;
  // A repeated request of a turn: the turn of the last first-request before it.
  let best: number | null = null;
  for (let ti = 0; ti < cols.turnCount; ti++) {
    const r = cols.turnRequest[ti]!;
    if (r >= 0 && r <= ev) best = cols.turnNumber[ti]!;
  }
  return best;
}

/** A write followed by a read of the same key is the state edge; else the events' types name it. */
function edgeKind(cols: TimelineColumns, a: ProofStep, b: ProofStep): string {
  const wa = stateOpsAt(cols, a.ev).writes;
  const rb = stateOpsAt(cols, b.ev).reads;
  if (wa.some((w) => rb.some((r) => r.key === w.key))) return 'write → read';
  const ra = stateOpsAt(cols, a.ev).reads;
  const wb = stateOpsAt(cols, b.ev).writes;
  if (ra.some((r) => wb.some((w) => w.key === r.key))) return 'read → write';
  return `${shortType(a.type)} → ${shortType(b.type)}`;
}

const proofCache = new WeakMap<TimelineColumns, Map<number, Proof>>();

/** The proof of anomaly `id` of the run (null for none), computed once per columns and anomaly. */
export function proofFor(cols: TimelineColumns, id: number | null): Proof | null {
  if (id === null) return null;
  const a = cols.anomalies[id];
  if (!a) return null;
  let byId = proofCache.get(cols);
  if (!byId) {
    byId = new Map();
    proofCache.set(cols, byId);
  }
  let p = byId.get(id);
  if (!p) {
    p = proofOf(cols, a);
    byId.set(id, p);
  }
  return p;
}
