// Checks an executor's options up front, so a bad value fails with an error naming it instead of
// silently disabling deadlines (NaN) or timing every call out at once ("100", negative numbers).
import type { Clock } from '../clock.ts';

export interface CheckedOptions {
  callTimeoutMs: number;
  batchTimeoutMs: number;
  readYourWrites: boolean;
  clock: Clock | undefined;
}

const show = (v: unknown): string =>
  typeof v === 'string' ? `"${v}" (a string)` : typeof v === 'number' ? String(v) : typeof v;

/** A duration option: a number > 0; Infinity only when `infinite` is allowed. */
export function checkDuration(owner: string, name: string, v: unknown, infinite: boolean): void {
  const ok = typeof v === 'number' && v > 0 && (infinite ? !Number.isNaN(v) : Number.isFinite(v));
  if (!ok) {
    const what = infinite
      ? 'a positive number of milliseconds, or Infinity'
      : 'a positive, finite number of milliseconds';
    throw new Error(`${owner} option ${name} must be ${what}, got ${show(v)}`);
  }
}

export function checkedOptions(opts: {
  callTimeoutMs?: unknown;
  batchTimeoutMs?: unknown;
  readYourWrites?: unknown;
  clock?: unknown;
}): CheckedOptions {
  const owner = 'CausalExecutor';
  if (opts === null || typeof opts !== 'object') throw new Error(`${owner} options must be an object`);
  const callTimeoutMs = opts.callTimeoutMs ?? 30_000;
  const batchTimeoutMs = opts.batchTimeoutMs ?? 120_000;
  checkDuration(owner, 'callTimeoutMs', callTimeoutMs, true);
  checkDuration(owner, 'batchTimeoutMs', batchTimeoutMs, false);
  const readYourWrites = opts.readYourWrites ?? true;
  if (typeof readYourWrites !== 'boolean')
    throw new Error(`${owner} option readYourWrites must be true or false, got ${show(readYourWrites)}`);
  const clock = opts.clock;
  if (clock !== undefined) {
    const c = clock as Partial<Clock> | null;
    if (
      !c ||
      typeof c.now !== 'function' ||
      typeof c.setTimer !== 'function' ||
      typeof c.sleep !== 'function'
    )
      throw new Error(`${owner} option clock must have now(), setTimer() and sleep()`);
  }
  return {
    callTimeoutMs: callTimeoutMs as number,
    batchTimeoutMs: batchTimeoutMs as number,
    readYourWrites,
    clock: clock as Clock | undefined,
  };
}
