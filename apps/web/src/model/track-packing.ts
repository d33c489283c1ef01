// Track packing for long runs, after Perfetto: at low zoom, calls no longer get a row each but share
// tracks, one group per tool name, each call on the first lane of its group that is free when it
// starts. Within a lane calls never overlap, so both starts and ends are sorted and a frame can
// binary-search the visible ones and skip every call that falls inside one pixel (mipmapped merging).
import { CALL_FAILED, type TimelineColumns } from './timeline-columns.ts';
import { positionOf, type XMode } from './viewport.ts';

export interface PackedTracks {
  /** Tool name of each group, in order of first call. */
  groupName: string[];
  groupFirstTrack: Int32Array;
  groupTrackCount: Int32Array;
  /** Group of each track. */
  trackGroup: Int32Array;
  /** Each track's calls (call lanes) sorted by start: `trackCalls[trackFirst[k] .. + trackCount[k]]`. */
  trackFirst: Int32Array;
  trackCount: Int32Array;
  trackCalls: Int32Array;
  /** Start and end position of each entry of trackCalls (end = +Infinity for a call that never ended). */
  callStartPos: Float64Array;
  callEndPos: Float64Array;
  /** Failed calls among trackCalls[0 .. i), so a merged pixel knows if it hides a failure. */
  failedBefore: Int32Array;
  /** Track of each call lane, -1 for a call that never started. */
  callTrack: Int32Array;
  /** 1 when the track is its group's overflow lane, where calls may overlap. */
  trackOverflow: Uint8Array;
}

/**
 * Packs the calls of `cols` by tool name into at most `maxLanes` lanes per tool (the last one takes
 * the overflow, overlapping). Positions follow the x mode, as drawing does.
 */
export function packTracks(cols: TimelineColumns, mode: XMode, maxLanes = 8): PackedTracks {
  const groups = new Map<string, number>();
  const groupName: string[] = [];
  const started: number[] = [];
  for (let c = 0; c < cols.callCount; c++) {
    if (cols.callStart[c]! < 0) continue;
    started.push(c);
    const name = cols.callName[c]!;
    if (!groups.has(name)) {
      groups.set(name, groupName.length);
      groupName.push(name);
    }
  }
  // Positions up front (typed), so the sort compares plain numbers.
  const startPos = new Float64Array(cols.callCount);
  const endPos = new Float64Array(cols.callCount);
  for (const c of started) {
    startPos[c] = positionOf(cols, mode, cols.callStart[c]!);
    endPos[c] = cols.callEnd[c]! >= 0 ? positionOf(cols, mode, cols.callEnd[c]!) : Infinity;
  }
  const start = (c: number) => startPos[c]!;
  const end = (c: number) => endPos[c]!;
  const order = Int32Array.from(started).sort((a, b) => startPos[a]! - startPos[b]! || a - b);
  started.length = 0;
  for (const c of order) started.push(c);

  // Per group: each lane's end so far and its calls.
  const laneEnds: number[][] = groupName.map(() => []);
  const laneCalls: number[][][] = groupName.map(() => []);
  for (const c of started) {
    const g = groups.get(cols.callName[c]!)!;
    const ends = laneEnds[g]!;
    const s = start(c);
    let lane = ends.findIndex((e) => e <= s);
    if (lane < 0 && ends.length < maxLanes) {
      lane = ends.push(-Infinity) - 1;
      laneCalls[g]!.push([]);
    } else if (lane < 0) lane = maxLanes - 1;
    ends[lane] = Math.max(ends[lane]!, end(c));
    laneCalls[g]![lane]!.push(c);
  }

  const trackCount = laneCalls.reduce((n, lanes) => n + lanes.length, 0);
  const out: PackedTracks = {
    groupName,
    groupFirstTrack: new Int32Array(groupName.length),
    groupTrackCount: Int32Array.from(laneCalls, (l) => l.length),
    trackGroup: new Int32Array(trackCount),
    trackFirst: new Int32Array(trackCount),
    trackCount: new Int32Array(trackCount),
    trackCalls: new Int32Array(started.length),
    callStartPos: new Float64Array(started.length),
    callEndPos: new Float64Array(started.length),
    failedBefore: new Int32Array(started.length + 1),
    callTrack: new Int32Array(cols.callCount).fill(-1),
    trackOverflow: new Uint8Array(trackCount),
  };
  let k = 0;
  let at = 0;
  laneCalls.forEach((lanes, g) => {
    out.groupFirstTrack[g] = k;
    lanes.forEach((calls, lane) => {
      out.trackGroup[k] = g;
      out.trackFirst[k] = at;
      out.trackCount[k] = calls.length;
      out.trackOverflow[k] = lane === maxLanes - 1 && overlaps(calls, start, end) ? 1 : 0;
      for (const c of calls) {
        out.trackCalls[at] = c;
        out.callStartPos[at] = start(c);
        out.callEndPos[at] = end(c);
        out.failedBefore[at + 1] = out.failedBefore[at]! + (cols.callFlags[c]! & CALL_FAILED ? 1 : 0);
        out.callTrack[c] = k;
        at++;
      }
      k++;
    });
  });
  return out;
}

function overlaps(calls: number[], start: (c: number) => number, end: (c: number) => number): boolean {
  for (let i = 1; i < calls.length; i++) if (start(calls[i]!) < end(calls[i - 1]!)) return true;
  return false;
}

/** First entry of track `k` whose end is at or after `pos` (ends are sorted in a packed lane). */
export function firstEndingAfter(p: PackedTracks, k: number, pos: number): number {
  let lo = p.trackFirst[k]!;
  let hi = lo + p.trackCount[k]!;
  if (p.trackOverflow[k]) return lo;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (p.callEndPos[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Last entry of track `k` in [from, end of track) whose start is before `pos`, or from - 1. */
export function lastStartingBefore(p: PackedTracks, k: number, from: number, pos: number): number {
  let lo = from;
  let hi = p.trackFirst[k]! + p.trackCount[k]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (p.callStartPos[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Gutter label of track `k`: the tool name on its group's first lane, the lane number on the others. */
export function trackLabel(p: PackedTracks, k: number): string {
  const g = p.trackGroup[k]!;
  const lane = k - p.groupFirstTrack[g]!;
  const lanes = p.groupTrackCount[g]!;
  if (lane > 0) return `    lane ${lane + 1} of ${lanes}`;
  return `${p.groupName[g]}${lanes > 1 ? ` · ${lanes} lanes` : ''}`;
}

/** The call of track `k` drawn at position `pos` (within `slop` positions), or -1. */
export function callInTrackAt(p: PackedTracks, k: number, pos: number, slop: number): number {
  const stop = p.trackFirst[k]! + p.trackCount[k]!;
  let best = -1;
  let bestGap = Infinity;
  for (let i = firstEndingAfter(p, k, pos - slop); i < stop; i++) {
    if (p.callStartPos[i]! > pos + slop) break;
    const gap = Math.max(0, p.callStartPos[i]! - pos, pos - p.callEndPos[i]!);
    if (gap < bestGap) {
      bestGap = gap;
      best = p.trackCalls[i]!;
    }
    if (!p.trackOverflow[k] && gap === 0) break;
  }
  return best;
}
