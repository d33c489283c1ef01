// The importers' benchmark shapes, each recorded by the real OpenTelemetry SDK with seeded ids (so
// every run measures the same bytes): one long conversation, many short ones, a wide fan-out, and
// OpenInference's flattened attributes.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AgentScript } from '../src/testing/record-genai-agent.ts';
import { recordScriptsOtlp, type ScriptedRecording } from '../src/testing/record-scripted-otlp.ts';
import { openInferenceScriptDialect } from '../src/testing/script-dialects.ts';

/** An agent of `turns` turns, each asking for `calls` parallel calls whose results the next turn holds. */
export function loopScript(turns: number, calls: number, prefix = '', conversationId?: string): AgentScript {
  const script: AgentScript = { turns: [], ...(conversationId ? { conversationId } : {}) };
  for (let k = 0; k < turns; k++) {
    const t = k * 100;
    script.turns.push({
      start: t,
      end: t + 10,
      calls: Array.from({ length: calls }, (_, i) => ({
        id: `${prefix}c${k}_${i}`,
        name: `tool${i}`,
        start: t + 11,
        end: t + 20 + (i % 5) * 15,
      })),
      results: k === 0 ? [] : Array.from({ length: calls }, (_, i) => `${prefix}c${k - 1}_${i}`),
    });
  }
  return script;
}

export interface BenchShape {
  name: string;
  /** What the shape is, for the printed table. */
  about: string;
  record(): ScriptedRecording;
}

export const BENCH_SHAPES: readonly BenchShape[] = [
  {
    name: 'long',
    about: 'GenAI semconv, 1 conversation of 400 turns x 4 parallel calls',
    record: () => recordScriptsOtlp([loopScript(400, 4, '', 'bench')]),
  },
  {
    name: 'many-short',
    about: 'GenAI semconv, 2,000 traces (each its conversation) of 5 turns x 2 calls',
    record: () =>
      recordScriptsOtlp(Array.from({ length: 2000 }, (_, n) => loopScript(5, 2, `t${n}`, `conv-${n}`))),
  },
  {
    name: 'wide',
    about: 'GenAI semconv, 1 conversation of 50 turns x 16 parallel calls',
    record: () => recordScriptsOtlp([loopScript(50, 16, '', 'wide')]),
  },
  {
    name: 'openinference',
    about: 'OpenInference attributes, 1,000 traces (no conversation id) of 5 turns x 2 calls',
    record: () =>
      recordScriptsOtlp(
        Array.from({ length: 1000 }, (_, n) => loopScript(5, 2, `t${n}`)),
        { dialect: openInferenceScriptDialect },
      ),
  },
];

/** Shapes named in BENCH_SHAPES (comma-separated), or all of them. */
export function selectedShapes(names = process.env.BENCH_SHAPES): BenchShape[] {
  if (!names) return [...BENCH_SHAPES];
  const wanted = names.split(',');
  const unknown = wanted.filter((n) => !BENCH_SHAPES.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new Error(
      `BENCH_SHAPES: unknown shape(s) ${unknown.join(', ')}; known: ${BENCH_SHAPES.map((s) => s.name).join(', ')}`,
    );
  return BENCH_SHAPES.filter((s) => wanted.includes(s.name));
}

/**
 * Runs `fn` at least 3 times and for at least `ms` (at most 50 times), so that small shapes are
 * measured with optimised code as large ones are: a trace of 850 spans is read in milliseconds.
 */
export function warmUp(fn: () => unknown, ms = 2000): void {
  const t0 = performance.now();
  for (let n = 0; n < 50 && (n < 3 || performance.now() - t0 < ms); n++) fn();
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface RatioRounds {
  baseline: number;
  measured: number;
  /** Median of the per-round ratios measured / baseline, in wall-clock time. */
  ratio: number;
  ratios: number[];
  /** The same in CPU time of this process (all its threads): what other processes' load leaves. */
  cpuRatio: number;
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Interleaved rounds (baseline, then measured, in each round): each round's ratio divides by the
 * baseline of that same round, so load from other processes cancels out; the median is the figure.
 */
export function ratioRounds(baseline: () => unknown, measured: () => unknown, rounds: number): RatioRounds {
  const time = (fn: () => unknown) => {
    // Each step starts on a collected heap, so neither pays for the garbage the other left.
    collectGarbage();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1000 };
  };
  const b: number[] = [];
  const m: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const tb = time(baseline);
    const tm = time(measured);
    b.push(tb.wall);
    m.push(tm.wall);
    ratios.push(tm.wall / tb.wall);
    cpuRatios.push(tm.cpu / tb.cpu);
  }
  return {
    baseline: median(b),
    measured: median(m),
    ratio: median(ratios),
    ratios,
    cpuRatio: median(cpuRatios),
  };
}
