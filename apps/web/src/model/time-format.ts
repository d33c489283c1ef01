// Readable times for the axis and hover cards: offsets since the trace start with units ("+20 ms",
// "+1.2 s", "+2 min 05 s"), durations, the absolute wall clock, and whole-seq ticks for seq mode.

/** Digits after the point that make `step` (in the unit) visible, 0 to 3. */
function digitsFor(step: number): number {
  if (!(step > 0)) return 0;
  return Math.max(0, Math.min(3, Math.ceil(-Math.log10(step) - 1e-9)));
}

/**
 * A duration in the unit that suits `step` (the finest difference that must show: a tick step,
 * or the value itself): µs below a millisecond, ms below a second, s below a minute, then min and s.
 */
export function formatDuration(ms: number, step = Math.abs(ms) / 10): string {
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  const unitOf = Math.max(a, step * 10);
  if (unitOf < 1) return `${sign}${(a * 1000).toFixed(digitsFor(step * 1000))} µs`;
  if (unitOf < 1000) return `${sign}${a.toFixed(digitsFor(step))} ms`;
  if (unitOf < 60_000) return `${sign}${(a / 1000).toFixed(digitsFor(step / 1000))} s`;
  const min = Math.floor(a / 60_000);
  const s = (a - min * 60_000) / 1000;
  const digits = digitsFor(step / 1000);
  const sec = s.toFixed(digits).padStart(digits > 0 ? digits + 3 : 2, '0');
  return `${sign}${min} min ${sec} s`;
}

/** Time since the trace start, as the axis and hover cards show it: "+0 ms", "+20 ms", "+1.2 s". */
export function formatOffset(ms: number, step?: number): string {
  const d = formatDuration(ms, step);
  return d.startsWith('-') ? d : `+${d}`;
}

/** Absolute wall clock in UTC, to the millisecond: "2025-10-09 08:53:20.002 UTC". */
export function formatWallClock(t: number): string {
  if (!Number.isFinite(t)) return 'unknown time';
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

/** Evenly spaced "nice" offsets (1, 2, 5 × 10^k) covering [from, to], about `count` of them. */
export function niceTicks(from: number, to: number, count: number): { ticks: number[]; step: number } {
  const span = to - from;
  if (!(span > 0) || count < 1) return { ticks: [], step: 0 };
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let k = Math.ceil(from / step); k * step <= to + step * 1e-9; k++) ticks.push(k * step);
  return { ticks, step };
}

/** Whole event indexes inside [from, to], about `count` of them, never a fraction ("#3.5"). */
export function wholeTicks(from: number, to: number, count: number): number[] {
  const lo = Math.ceil(from);
  const hi = Math.floor(to);
  if (hi < lo) return [];
  const step = Math.max(1, niceTicks(from, to, count).step);
  const whole = Math.max(1, Math.ceil(step));
  const out: number[] = [];
  for (let v = Math.ceil(lo / whole) * whole; v <= hi; v += whole) out.push(v);
  return out;
}
