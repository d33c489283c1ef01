// The growth step of the compact store's typed-array columns (CompactRun, CallIds, KeyColumns).

/** Returns `a`, or a copy at least `n` long (doubling) with `a`'s values. */
export function grow<T extends Float64Array | Int32Array | Uint8Array | Uint32Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
