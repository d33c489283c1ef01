import { describe, expect, it } from 'vitest';
import { formatDuration, formatOffset, formatWallClock, niceTicks, wholeTicks } from './time-format.ts';

describe('time formatting', () => {
  it('shows offsets with units a reader expects', () => {
    expect(formatOffset(0, 10)).toBe('+0 ms');
    expect(formatOffset(20, 10)).toBe('+20 ms');
    expect(formatOffset(1200, 100)).toBe('+1.2 s');
    expect(formatOffset(0.25, 0.05)).toBe('+250 µs');
    expect(formatOffset(125_000, 1000)).toBe('+2 min 05 s');
    expect(formatDuration(3.5)).toBe('3.5 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(0.04)).toBe('40 µs');
  });
  it('keeps a tick step visible in the digits', () => {
    expect(formatOffset(2.5, 0.5)).toBe('+2.5 ms');
    expect(formatOffset(1500, 500)).toBe('+1.5 s');
  });
  it('prints the absolute wall clock in UTC', () => {
    expect(formatWallClock(1_760_000_000_002.5)).toBe('2025-10-09 08:53:20.002 UTC');
  });
  it('picks nice offset ticks', () => {
    expect(niceTicks(0, 100, 5)).toEqual({ ticks: [0, 20, 40, 60, 80, 100], step: 20 });
  });
  it('never yields a fractional seq tick', () => {
    expect(wholeTicks(2.6, 4.4, 10)).toEqual([3, 4]);
    expect(wholeTicks(3.1, 3.9, 10)).toEqual([]);
    for (const t of wholeTicks(-0.5, 12.5, 8)) expect(Number.isInteger(t)).toBe(true);
  });
});
