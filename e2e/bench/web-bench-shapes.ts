// `pnpm bench:web`: web-bench.ts on each of the three bench shapes (1 run of 1M events, 40 runs of
// 25k, ~2,000 runs of 500), interleaved rounds, one fresh browser per measurement; prints each
// shape's median ready / fetch+parse ratio and frame p95. Writes bench-out/web-bench-shapes.json.
// BENCH_BASELINE_DIST=<dir of another build>: each round also runs that build (an A/B in one session,
// the order alternating per round), reported as the `baseline` variant.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH_SHAPES } from '@causelane/analysis/testing';
import { buildWeb, REPO_ROOT } from '../collector-process.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const only = process.env.BENCH_SHAPES?.split(',');
const shapes = BENCH_SHAPES.filter((s) => !only || only.includes(s.name));

interface Sample {
  events: number;
  bytes: number;
  baselineFetchParseMs: number;
  readyMs: number;
  readyRatio: number;
  workerReadMs: number | null;
  workerAnalyzeMs: number | null;
  allRunsAnalyzedMs?: number | null;
  frameP95Ms: number;
  zoomOutFrameP95Ms?: number;
  idleBrowserMiB: number;
  baselinePeakMiB: number;
  appPeakMiB: number;
  appPeakOverFile: number;
  baselinePeakOverFile: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const BASELINE_DIST = process.env.BENCH_BASELINE_DIST;
/** The builds measured: this tree's, and an A/B baseline build when given. */
const variants: { name: string; env: Record<string, string> }[] = [
  { name: 'current', env: {} },
  ...(BASELINE_DIST ? [{ name: 'baseline', env: { BENCH_DIST: BASELINE_DIST } }] : []),
];

function report(variant: string, shape: (typeof shapes)[number], xs: Sample[]) {
  const ratio = median(xs.map((x) => x.readyRatio));
  const p95 = median(xs.map((x) => x.frameP95Ms));
  const tag = variants.length > 1 ? ` (${variant})` : '';
  const all = xs.map((x) => x.allRunsAnalyzedMs).filter((x): x is number => typeof x === 'number');
  console.log(
    `[${shape.name}]${tag} ${shape.label}: ${xs[0]!.events.toLocaleString('en')} events, ${(xs[0]!.bytes / 2 ** 20).toFixed(0)} MiB; fetch+parse median ${median(xs.map((x) => x.baselineFetchParseMs))} ms, ready median ${median(xs.map((x) => x.readyMs))} ms${all.length ? `, every run's counts at ${all.join(', ')} ms` : ''}`,
  );
  console.log(
    `  ready ratio ${ratio.toFixed(2)}x (per round ${xs.map((x) => x.readyRatio.toFixed(2)).join(', ')}; goal <= 2x) ${ratio <= 2 ? 'MET' : 'NOT MET'}; worker read ${xs.map((x) => x.workerReadMs).join(', ')} ms, analyze ${xs.map((x) => x.workerAnalyzeMs).join(', ')} ms; frame p95 ${p95} ms (goal <= 16.7) ${p95 <= 16.7 ? 'MET' : 'NOT MET'}`,
  );
  const peak = Math.max(...xs.map((x) => x.appPeakMiB));
  console.log(
    `  peak memory (PSS of the browser's processes, largest round): app ${peak} MiB, ${Math.max(...xs.map((x) => x.appPeakOverFile)).toFixed(2)}x the file above the idle browser (${xs[0]!.idleBrowserMiB} MiB); fetch+parse ${Math.max(...xs.map((x) => x.baselinePeakMiB))} MiB, ${Math.max(...xs.map((x) => x.baselinePeakOverFile)).toFixed(2)}x`,
  );
  return {
    variant,
    shape: shape.name,
    label: shape.label,
    ratio,
    frameP95Ms: p95,
    peakMiB: peak,
    samples: xs,
  };
}

async function main(): Promise<void> {
  await buildWeb();
  const load0 = loadavg();
  const samples = new Map<string, Sample[]>();
  const key = (variant: string, shape: string) => `${variant}/${shape}`;
  for (let r = 0; r < ROUNDS; r++)
    for (const shape of shapes) {
      // With a baseline, the order alternates per round so neither build always goes first.
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'web-bench.ts')], {
          env: { ...process.env, ...v.env, BENCH_SHAPE: shape.name, BENCH_SKIP_BUILD: '1' },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        const out = JSON.parse(readFileSync(join(REPO_ROOT, 'bench-out/web-bench.json'), 'utf8')) as Sample;
        const k = key(v.name, shape.name);
        samples.set(k, [...(samples.get(k) ?? []), out]);
      }
    }
  const load1 = loadavg();
  console.log(
    `web bench: ${ROUNDS} interleaved rounds; load average ${load0.map((x) => x.toFixed(1)).join(' ')} before, ${load1.map((x) => x.toFixed(1)).join(' ')} after`,
  );
  const summary = shapes.flatMap((shape) =>
    variants.map((v) => report(v.name, shape, samples.get(key(v.name, shape.name))!)),
  );
  mkdirSync(join(REPO_ROOT, 'bench-out'), { recursive: true });
  writeFileSync(
    join(REPO_ROOT, 'bench-out/web-bench-shapes.json'),
    `${JSON.stringify({ loadavg: [load0, load1], summary }, null, 2)}\n`,
  );
}

await main();
