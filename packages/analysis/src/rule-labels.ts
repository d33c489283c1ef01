// How the anomaly rules name a call and list the seqs that prove an anomaly.
import type { CallModel } from './model.ts';

export const label = (c: CallModel) => `${c.name} (call ${c.id})`;
export const seqs = (...xs: (number | undefined)[]) =>
  [...new Set(xs.filter((x): x is number => x !== undefined))].sort((a, b) => a - b);
