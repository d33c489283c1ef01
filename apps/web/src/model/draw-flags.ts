// Anomaly flags of a frame. The proof events of every anomaly are indexed once per run as typed
// columns sorted by event, so a frame visits only the flags inside its window (binary search) and
// draws one per row, pixel and severity, however many anomalies a long run has.
import type { Severity } from '@causelane/analysis/anomaly';
import type { DrawInput, DrawList } from './draw-types.ts';
import type { PlacedAnomaly, TimelineColumns } from './timeline-columns.ts';

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

interface FlagIndex {
  /** Per proof event of every anomaly, sorted by event: the event, its lane, the anomaly, its severity. */
  ev: Int32Array;
  lane: Int32Array;
  id: Int32Array;
  sev: Uint8Array;
  knownAt: Int32Array;
  /** Whether wall-clock times ascend with the event index (then the time mode can bisect too). */
  timeSorted: boolean;
}

const indexes = new WeakMap<TimelineColumns, FlagIndex>();

function flagIndexOf(cols: TimelineColumns): FlagIndex {
  let f = indexes.get(cols);
  if (f) return f;
  const rows: [number, number, number, number, number][] = [];
  for (const a of cols.anomalies)
    a.evs.forEach((ev, k) => {
      if (ev >= 0) rows.push([ev, a.lanes[k]!, a.id, SEVERITIES.indexOf(a.severity), a.knownAt]);
    });
  rows.sort((p, q) => p[0] - q[0] || p[2] - q[2]);
  let timeSorted = true;
  for (let i = 1; i < cols.eventCount && timeSorted; i++) if (cols.t[i]! < cols.t[i - 1]!) timeSorted = false;
  f = {
    ev: Int32Array.from(rows, (r) => r[0]),
    lane: Int32Array.from(rows, (r) => r[1]),
    id: Int32Array.from(rows, (r) => r[2]),
    sev: Uint8Array.from(rows, (r) => r[3]),
    knownAt: Int32Array.from(rows, (r) => r[4]),
    timeSorted,
  };
  indexes.set(cols, f);
  return f;
}

const shownCache = new WeakMap<readonly PlacedAnomaly[], Uint8Array>();

/** Which anomaly ids the frame's (possibly filtered) list keeps; null when it is the whole list. */
function shownOf(cols: TimelineColumns, list: readonly PlacedAnomaly[]): Uint8Array | null {
  if (list === cols.anomalies) return null;
  let m = shownCache.get(list);
  if (!m) {
    m = new Uint8Array(cols.anomalies.length);
    for (const a of list) m[a.id] = 1;
    shownCache.set(list, m);
  }
  return m;
}

export function drawFlags(
  input: DrawInput,
  out: DrawList,
  x: (ev: number) => number,
  last: number,
  r0: number,
  r1: number,
): void {
  const { cols, layout, width, scrollY, mode } = input;
  const f = flagIndexOf(cols);
  const shown = shownOf(cols, input.anomalies);
  const rh = layout.rowHeight;
  let i = 0;
  let end = f.ev.length;
  if (mode === 'seq' || f.timeSorted) {
    let lo = 0;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x(f.ev[mid]!) < -4) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
    hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x(f.ev[mid]!) <= width + 4) lo = mid + 1;
      else hi = mid;
    }
    end = lo;
  }
  const seen = new Set<number>();
  for (; i < end; i++) {
    if (f.knownAt[i]! > last) continue;
    const id = f.id[i]!;
    if (shown && !shown[id]) continue;
    const lane = f.lane[i]!;
    const row = lane < 0 ? 0 : layout.callRow[lane]!;
    if (row < r0 || row >= r1) continue;
    const fx = x(f.ev[i]!);
    if (fx < -4 || fx > width + 4) continue;
    const sev = f.sev[i]!;
    const key = row * 400_000 + Math.round(fx) * 4 + sev;
    if (seen.has(key)) continue;
    seen.add(key);
    const y = row * rh - scrollY;
    out.flagHits.push({ x: fx, y, id });
    out.flags[SEVERITIES[sev]!].push(fx, y);
  }
}
