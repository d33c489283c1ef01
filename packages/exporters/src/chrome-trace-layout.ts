// Layout helpers of the Chrome trace export: seq-to-time lookup without rebuilding events, and
// first-fit packing of tool calls onto lanes so complete slices on one thread never overlap.
import type { CallModel } from '@causelane/analysis';
import { type EventColumns, indexOfSeq } from '@causelane/trace-schema';

export const TURNS_TID = 1;
/** Tool calls go on threads CALLS_TID, CALLS_TID + 1, … (one per packed lane). */
export const CALLS_TID = 2;

/** Wall clock of the event with a seq (binary search over the source), or undefined. */
export function seqTimes(src: EventColumns): (seq: number | undefined) => number | undefined {
  return (seq) => {
    if (seq === undefined) return undefined;
    const i = indexOfSeq(src, seq);
    return i < 0 ? undefined : src.t(i);
  };
}

export interface PlacedCall {
  call: CallModel;
  start: number;
  end: number;
  lane: number;
}

/**
 * Calls that started, ordered by start time, each on the lowest lane free at its start (a lane is
 * free once its last call ended, touching allowed). A call without an end, timeout or orphan runs
 * to `lastT`. O(n log n) for the sort plus O(n · lanes) for the placement.
 */
export function packCallLanes(
  calls: readonly CallModel[],
  tOf: (seq: number | undefined) => number | undefined,
  lastT: number,
): { placed: PlacedCall[]; lanes: number } {
  const placed: PlacedCall[] = [];
  for (const call of calls) {
    const start = tOf(call.startSeq);
    if (start === undefined) continue;
    const done = tOf(call.endSeq) ?? tOf(call.timeoutSeq) ?? tOf(call.orphanSeq) ?? lastT;
    placed.push({ call, start, end: Math.max(start, done), lane: 0 });
  }
  placed.sort((a, b) => a.start - b.start || a.end - b.end);
  const laneEnd: number[] = [];
  for (const p of placed) {
    let lane = laneEnd.findIndex((end) => end <= p.start);
    if (lane < 0) lane = laneEnd.push(0) - 1;
    laneEnd[lane] = p.end;
    p.lane = lane;
  }
  return { placed, lanes: laneEnd.length };
}
