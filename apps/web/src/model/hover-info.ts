// What the pointer is over on the swimlane timeline, and the facts its hover card lists: a call's
// name, id, turn, duration, start since the trace start, status and wall clock; a marker's event; an
// anomaly flag's title. Pure: the canvas passes the frame's geometry in.
import type { DrawList } from './draw-list.ts';
import { FLAG_HIT_HALF_WIDTH, FLAG_HIT_HEIGHT } from './hit-test.ts';
import {
  type LaneLayout,
  ROW_AGENT,
  ROW_CALL,
  ROW_SUMMARY,
  ROW_TRACK,
  ROW_TURN,
  rowAt,
} from './lane-layout.ts';
import { formatDuration, formatOffset, formatWallClock } from './time-format.ts';
import {
  CALL_FAILED,
  CALL_OK,
  CALL_SYNTHETIC,
  EVENT_NAMES,
  type TimelineColumns,
} from './timeline-columns.ts';
import { callInTrackAt } from './track-packing.ts';
import { posAt, positionOf, type TimeWindow, type XMode, xOf } from './viewport.ts';

export type MarkerKind = 'commit' | 'timeout' | 'orphan';

export type HoverTarget =
  | { kind: 'anomaly'; id: number }
  | { kind: 'marker'; lane: number; marker: MarkerKind; ev: number }
  | { kind: 'call'; lane: number }
  | { kind: 'turn'; turn: number };

export interface HoverGeometry {
  cols: TimelineColumns;
  layout: LaneLayout;
  win: TimeWindow;
  mode: XMode;
  /** Lane area width in pixels. */
  width: number;
  scrollY: number;
  flagHits: DrawList['flagHits'];
  /** Last event shown (the replay playhead), or null for the whole trace. */
  playhead: number | null;
}

/** How close (pixels) the pointer must be to a marker or a bar's ends to be over it. */
const MARKER_SLOP = 5;

/** The thing under (`x`, `y`), `x` from the lanes' left edge; null over empty space. */
export function hoverTargetAt(g: HoverGeometry, x: number, y: number): HoverTarget | null {
  const flag = g.flagHits.find(
    (f) => Math.abs(f.x - x) <= FLAG_HIT_HALF_WIDTH && y >= f.y && y <= f.y + FLAG_HIT_HEIGHT,
  );
  if (flag) return { kind: 'anomaly', id: flag.id };
  if (x < 0) return null;
  const { cols, layout } = g;
  const row = rowAt(layout, g.scrollY, y);
  if (row < 0) return null;
  const ref = layout.rowRef[row]!;
  const last = g.playhead ?? cols.eventCount - 1;
  const px = (i: number) => xOf(positionOf(cols, g.mode, i), g.win, g.width);
  const shown = (i: number) => i >= 0 && i <= last;
  if (layout.rowKind[row] === ROW_CALL) {
    const markers: [number, MarkerKind][] = [
      [cols.callCommit[ref]!, 'commit'],
      [cols.callTimeout[ref]!, 'timeout'],
      [cols.callOrphan[ref]!, 'orphan'],
    ];
    for (const [ev, marker] of markers)
      if (shown(ev) && Math.abs(px(ev) - x) <= MARKER_SLOP) return { kind: 'marker', lane: ref, marker, ev };
    const s = cols.callStart[ref]!;
    if (!shown(s)) return null;
    const e = cols.callEnd[ref]!;
    const x1 = shown(e) ? px(e) : px(last);
    return x >= px(s) - MARKER_SLOP && x <= Math.max(x1, px(s) + 1) + MARKER_SLOP
      ? { kind: 'call', lane: ref }
      : null;
  }
  if (layout.rowKind[row] === ROW_TURN) return { kind: 'turn', turn: ref };
  // Packed layout (zoomed out): a track row holds many calls, the summary row every turn.
  if (layout.rowKind[row] === ROW_TRACK && layout.packed) {
    const pos = posAt(x, g.win, g.width);
    const lane = callInTrackAt(layout.packed, ref, pos, posAt(x + MARKER_SLOP, g.win, g.width) - pos);
    return lane >= 0 ? { kind: 'call', lane } : null;
  }
  if (layout.rowKind[row] === ROW_SUMMARY) {
    let turn = -1;
    for (
      let ti = 0;
      ti < cols.turnCount && shown(cols.turnRequest[ti]!) && px(cols.turnRequest[ti]!) <= x;
      ti++
    )
      turn = ti;
    return turn >= 0 ? { kind: 'turn', turn } : null;
  }
  if (layout.rowKind[row] === ROW_AGENT) {
    for (let ti = 0; ti < cols.turnCount; ti++) {
      const rq = cols.turnRequest[ti]!;
      if (!shown(rq)) continue;
      const rs = cols.turnResponse[ti]!;
      const x1 = shown(rs) ? px(rs) : px(last);
      if (x >= px(rq) - MARKER_SLOP && x <= x1 + MARKER_SLOP) return { kind: 'turn', turn: ti };
    }
  }
  return null;
}

export interface HoverFacts {
  title: string;
  /** The call the card is about (its args/result are fetched for the card), or null. */
  call: string | null;
  /** The call's result or error had happened by the playhead (else the card leaves it out). */
  ended: boolean;
  rows: [label: string, value: string][];
}

/** The status a call shows at event `last`, as a word. */
export function callStatus(cols: TimelineColumns, lane: number, last: number): string {
  const at = (i: number) => i >= 0 && i <= last;
  const flags = cols.callFlags[lane]!;
  const parts: string[] = [];
  if (!at(cols.callStart[lane]!)) parts.push('not started');
  else if (!at(cols.callEnd[lane]!)) parts.push('running');
  else parts.push(flags & CALL_FAILED ? 'error' : flags & CALL_OK ? 'ok' : 'ended');
  if (at(cols.callTimeout[lane]!)) parts.push('timed out');
  if (at(cols.callOrphan[lane]!)) parts.push('orphaned');
  if (at(cols.callCommit[lane]!)) parts.push(flags & CALL_SYNTHETIC ? 'synthetic commit' : 'committed');
  return parts.join(' · ');
}

function eventRows(cols: TimelineColumns, ev: number, t0: number): [string, string][] {
  return [
    ['event', `${EVENT_NAMES[cols.type[ev]!]} · seq ${cols.seq[ev]}`],
    ['at', formatOffset(cols.t[ev]! - t0)],
    ['wall clock', formatWallClock(cols.t[ev]!)],
  ];
}

/** The facts a hover card lists for `target`; `t0` is the trace's start (its first event's time). */
export function hoverFacts(
  cols: TimelineColumns,
  target: HoverTarget,
  t0: number,
  playhead: number | null,
  anomalyTitle: (type: string) => string,
): HoverFacts | null {
  const last = playhead ?? cols.eventCount - 1;
  if (target.kind === 'anomaly') {
    const a = cols.anomalies[target.id];
    if (!a) return null;
    return {
      title: `${anomalyTitle(a.type)} (${a.severity})`,
      call: a.call,
      ended: true,
      rows: [
        ['code', a.type],
        ['turn', String(a.turn)],
        ...(a.call ? ([['call id', a.call]] as [string, string][]) : []),
        ['proof', `seq ${a.seqs.join(', ')}`],
        ['message', a.message],
      ],
    };
  }
  if (target.kind === 'turn') {
    const ti = target.turn;
    const rq = cols.turnRequest[ti]!;
    const rs = cols.turnResponse[ti]!;
    const rows: [string, string][] = [['calls', String(cols.turnCallCount[ti])]];
    if (rq >= 0)
      rows.push(['request at', formatOffset(cols.t[rq]! - t0)], ['wall clock', formatWallClock(cols.t[rq]!)]);
    if (rq >= 0 && rs >= 0 && rs <= last)
      rows.push(['model took', formatDuration(cols.t[rs]! - cols.t[rq]!)]);
    return { title: `turn ${cols.turnNumber[ti]}`, call: null, ended: false, rows };
  }
  const lane = target.lane;
  const endEv = cols.callEnd[lane]!;
  const hasEnded = endEv >= 0 && endEv <= last;
  const name = cols.callName[lane]!;
  const id = cols.callId[lane]!;
  if (target.kind === 'marker') {
    const what =
      target.marker === 'commit' && cols.callFlags[lane]! & CALL_SYNTHETIC
        ? 'synthetic commit'
        : target.marker;
    return {
      title: `${what} of ${name}`,
      call: id,
      ended: hasEnded,
      rows: [['call id', id], ['turn', String(cols.callTurn[lane])], ...eventRows(cols, target.ev, t0)],
    };
  }
  const s = cols.callStart[lane]!;
  const e = cols.callEnd[lane]!;
  const ended = e >= 0 && e <= last;
  const rows: [string, string][] = [
    ['call id', id],
    ['turn', String(cols.callTurn[lane])],
    ['status', callStatus(cols, lane, last)],
  ];
  if (s >= 0) {
    rows.push(['start', formatOffset(cols.t[s]! - t0)]);
    rows.push([ended ? 'duration' : 'running for', formatDuration(cols.t[ended ? e : last]! - cols.t[s]!)]);
    rows.push(['wall clock', formatWallClock(cols.t[s]!)]);
  }
  return { title: name, call: id, ended: hasEnded, rows };
}

/** The first line of a payload (args, result or error), cut to `max` characters. */
export function firstLine(v: unknown, max = 120): string | null {
  if (v === undefined || v === null) return null;
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  const line = text.split('\n', 1)[0]!;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
