// The stale-read rule (spec/trace-format-v1.md) as a resumable fold over a model's staleSteps: the
// live analyzer carries on from the last step it saw instead of replaying the run, and staleRead
// (state-rules.ts) runs it once over a whole model: the rule's only copy.
import type { TraceEvent } from '@causelane/trace-schema';
import type { Anomaly } from './anomaly.ts';
import type { CallModel, RunModel } from './model.ts';
import { readCount, readKey, readVersion, writeCount, writeKey, writeVersion } from './new-call.ts';
import { label, seqs } from './rule-labels.ts';

interface WriteMark {
  version: number;
  seq: number;
  by: string | null;
}
/** The highest write of a key so far, and the highest by anyone other than that writer. */
interface KeyWrites {
  top?: WriteMark;
  other?: WriteMark;
}

function noteWrite(w: KeyWrites, mark: WriteMark): void {
  if (!w.top || (mark.by !== null && w.top.by === mark.by)) {
    if (!w.top || mark.version > w.top.version) w.top = mark;
    return;
  }
  if (mark.version > w.top.version) {
    w.other = w.top;
    w.top = mark;
  } else if (!w.other || mark.version > w.other.version) w.other = mark;
}

function newestWriteByOther(w: KeyWrites | undefined, reader: string): WriteMark | undefined {
  if (!w?.top) return undefined;
  return w.top.by === reader ? w.other : w.top;
}

/**
 * The fold's state after the steps seen so far: the newest writes per key, the commits waiting for
 * their consumption, and what was found. `advance(model)` takes the steps the model gained since.
 */
export class StaleReadFold {
  readonly anomalies: Anomaly[] = [];
  /** `${call}\0${key}` of every stale read found (rw-race skips them). */
  readonly staleKeys = new Set<string>();
  /**
   * Calls whose real commit was folded before their tool.end was seen: whether they read anything
   * is not known yet. A later tool.end with reads makes the fold wrong from that commit on (the
   * caller then starts a new fold).
   */
  readonly awaitingEnd = new Set<CallModel>();
  private readonly writes = new Map<string, KeyWrites>();
  private pending: CallModel[] = [];
  private done = 0;

  /** Folds the model's steps not seen yet; returns the calls found stale by them. */
  advance(m: RunModel): CallModel[] {
    const found: CallModel[] = [];
    const src = m.source;
    // The model noted the only events this rule needs (staleSteps); without them, every event.
    const steps = m.staleSteps;
    const n = steps ? steps.length : src.length;
    for (let k = this.done; k < n; k++) {
      const i = steps ? steps[k]! : k;
      const type = src.type(i);
      const seq = src.seq(i);
      if (type === 'tool.end') {
        const c = m.callOf ? m.callOf(i) : m.callById.get(src.call(i)!);
        if (c && c.endSeq === seq)
          for (let j = 0, nw = writeCount(c); j < nw; j++)
            this.record(writeKey(c, j), { version: writeVersion(c, j), seq, by: c.id });
      } else if (type === 'state.write') {
        const ev = src.event(i) as Extract<TraceEvent, { type: 'state.write' }>;
        // The spec counts any state.write, whichever call it names: only tool.end writes must be another's.
        this.record(ev.key, { version: ev.version, seq, by: null });
      } else if (type === 'tool.commit') {
        const c = m.callOf ? m.callOf(i) : m.callById.get(src.call(i)!);
        if (c && c.commitSeq === seq && !c.synthetic) {
          if (c.endSeq === undefined) this.awaitingEnd.add(c);
          else if (readCount(c) > 0) this.pending.push(c);
        }
      } else if (type === 'llm.request' && this.pending.length > 0) {
        this.consume(m, src.turn(i), seq, found);
      }
    }
    this.done = n;
    return found;
  }

  private record(key: string, mark: WriteMark): void {
    let w = this.writes.get(key);
    if (!w) {
      w = {};
      this.writes.set(key, w);
    }
    noteWrite(w, mark);
  }

  /** The request at `seq` (of `turn`) consumes every pending commit. */
  private consume(m: RunModel, turn: number, seq: number, found: CallModel[]): void {
    for (const r of this.pending) {
      const stale: { key: string; vr: number; w: WriteMark }[] = [];
      for (let j = 0, nr = readCount(r); j < nr; j++) {
        const key = readKey(r, j);
        const w = newestWriteByOther(this.writes.get(key), r.id);
        const vr = readVersion(r, j);
        if (w && w.version > vr) stale.push({ key, vr, w });
      }
      if (stale.length === 0) continue;
      for (const s of stale) this.staleKeys.add(`${r.id}\u0000${s.key}`);
      found.push(r);
      const first = stale[0]!;
      const more =
        stale.length > 1 ? ` (and ${stale.length - 1} more key${stale.length > 2 ? 's' : ''})` : '';
      this.anomalies.push({
        type: 'stale-read',
        severity: 'error',
        run: m.run,
        turn: r.turn,
        call: r.id,
        seqs: seqs(r.endSeq, ...stale.map((s) => s.w.seq), seq),
        message: `${label(r)} read ${first.key} at version ${first.vr}, but version ${first.w.version} was already written before the model saw the result (turn ${turn}): the agent decided on old data${more}`,
      });
    }
    this.pending = [];
  }
}
