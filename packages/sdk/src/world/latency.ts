// Seeded latency distributions for simulated tools: fixed, uniform, long tail and hang.

export type Latency =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; min: number; max: number }
  /** Log-normal around `median`: most calls near it, a few far above (sigma 0.5 by default). */
  | { kind: 'long-tail'; median: number; sigma?: number }
  /** Does not answer for `ms` (default: never). */
  | { kind: 'hang'; ms?: number };

export const latency = {
  fixed: (ms: number): Latency => ({ kind: 'fixed', ms }),
  uniform: (min: number, max: number): Latency => ({ kind: 'uniform', min, max }),
  longTail: (median: number, sigma?: number): Latency => ({
    kind: 'long-tail',
    median,
    ...(sigma ? { sigma } : {}),
  }),
  hang: (ms?: number): Latency => ({ kind: 'hang', ...(ms !== undefined ? { ms } : {}) }),
};

/** Draws one latency in ms (Infinity for a hang without end). */
export function sampleLatency(l: Latency, random: () => number): number {
  switch (l.kind) {
    case 'fixed':
      return l.ms;
    case 'uniform':
      return l.min + (l.max - l.min) * random();
    case 'long-tail': {
      // Box-Muller; 1 - u keeps log() away from 0.
      const u = 1 - random();
      const v = random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return l.median * Math.exp((l.sigma ?? 0.5) * z);
    }
    case 'hang':
      return l.ms ?? Number.POSITIVE_INFINITY;
  }
}
