// The three trace shapes every benchmark runs (analyzer and web app): one run of 1M events, 40 runs of
// 25k and ~2,000 runs of 500, deterministic, with args and results on calls and every fault kind.
import type { TraceEvent } from '@causelane/trace-schema';
import { FAULT_ANOMALY, type FaultType, synthesizeRun } from './synth.ts';

export interface BenchShape {
  /** Short name used in output and file names. */
  name: string;
  /** What the shape is, for reports. */
  label: string;
  runs: number;
  /** Turns per run (each of 1–6 parallel calls: about 12.5 events a turn). */
  turns: number;
  /** Fault kinds injected into run `r` (0-based). */
  faults(r: number): FaultType[];
}

const KINDS = Object.keys(FAULT_ANOMALY) as FaultType[];
const repeat = (times: number): FaultType[] => Array.from({ length: times }, () => KINDS).flat();

export const BENCH_SHAPES: readonly BenchShape[] = [
  { name: 'one-run', label: '1 run of 1M events', runs: 1, turns: 80_000, faults: () => repeat(10) },
  { name: '40-runs', label: '40 runs of 25k events', runs: 40, turns: 2_000, faults: () => KINDS },
  {
    name: '2000-runs',
    label: '~2,000 runs of 500 events (40 turns)',
    runs: 2_000,
    turns: 40,
    // One run in three gets one fault, cycling through every kind: small rates, all kinds present.
    faults: (r) => (r % 3 === 0 ? [KINDS[(r / 3) % KINDS.length]!] : []),
  },
];

/** Looks a shape up by name; throws with the known names. */
export function benchShape(name: string): BenchShape {
  const s = BENCH_SHAPES.find((x) => x.name === name);
  if (!s)
    throw new Error(`unknown bench shape ${name} (known: ${BENCH_SHAPES.map((x) => x.name).join(', ')})`);
  return s;
}

/**
 * Gives calls realistic args and results (what a real agent records: a path, a query, rows back),
 * deterministically from the call id, so files carry the bytes analysis must skip over.
 */
export function withPayloads(e: TraceEvent): TraceEvent {
  if (e.type === 'llm.response')
    return {
      ...e,
      calls: e.calls.map((c) => ({
        ...c,
        args: { op: c.args, path: `/workspace/src/${c.id}.ts`, limit: 50 },
      })),
    };
  if (e.type === 'tool.end' && e.result !== undefined)
    return { ...e, result: { value: e.result, rows: [c(e.call, 1), c(e.call, 2)], truncated: false } };
  return e;
}

const c = (id: string, n: number) => ({ id: `${id}-${n}`, line: n * 17, text: `match ${n} of ${id}` });

/**
 * Yields the shape's JSONL text, one run at a time, with at most `maxEvents` events in all (1M by
 * default; a smaller figure scales every run down for quick checks).
 */
export function* benchShapeChunks(shape: BenchShape, maxEvents = 1_000_000): Generator<string> {
  const scale = maxEvents / 1_000_000;
  const turns = Math.max(4, Math.round(shape.turns * scale));
  const perRun = Math.ceil(maxEvents / shape.runs);
  let events = 0;
  for (let r = 0; r < shape.runs && events < maxEvents; r++) {
    const run = synthesizeRun({
      run: `${shape.name}-${r + 1}`,
      seed: r + 1,
      turns,
      maxCalls: 6,
      keys: 8,
      timeoutRate: 0.02,
      faults: shape.faults(r),
      startT: 1_760_000_000_000 + r * 1000,
    });
    let out = '';
    for (let i = 0; i < run.length && i < perRun && events < maxEvents; i++, events++)
      out += `${JSON.stringify(withPayloads(run[i]!))}\n`;
    yield out;
  }
}
