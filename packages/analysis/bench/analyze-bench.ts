// Benchmark: `causelane analyze`'s pipeline on three 1M-event shapes (1 run, 40 runs, ~2,000 runs) with
// every anomaly kind, against the floor measured in the same run (stream the file, JSON.parse each line). Each measurement
// runs in a fresh plain-Node child process (this file bundled by esbuild, as the CLI is), so its
// peak RSS is its own and no TypeScript loader is counted.
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readCompactTraceStream } from '@causelane/trace-schema';
import { analyzeRuns } from '../src/analyze.ts';
import { BENCH_SHAPES, type BenchShape, benchShapeChunks } from '../src/testing/bench-shapes.ts';

const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function floor(file: string): Promise<number> {
  let n = 0;
  const lines = createInterface({
    input: createReadStream(file, { highWaterMark: 1 << 16 }),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line) n += JSON.parse(line).seq >= 0 ? 1 : 0;
  return n;
}

async function analyze(file: string): Promise<number> {
  // As the CLI reads: no per-line hash (a repeated seq would send it to the object reader).
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  const { runs, errors } = await readCompactTraceStream(input as AsyncIterable<string>, {
    hashRepeats: false,
  });
  if (errors.length) throw new Error(`bench trace invalid: ${errors[0]!.message}`);
  const c = process.cpuUsage();
  const n = analyzeRuns(runs).anomalies.length;
  const d = process.cpuUsage(c);
  analysisCpuMs = (d.user + d.system) / 1000;
  return n;
}

/** CPU time of the analysis alone (model + rules), after reading: the rest of `analyze` is reading. */
let analysisCpuMs = 0;

async function child(mode: string, file: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const n = mode === 'floor' ? await floor(file) : await analyze(file);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  process.stdout.write(
    JSON.stringify({ ms, cpuMs, analysisCpuMs, n, rssBytes: process.resourceUsage().maxRSS * 1024 }),
  );
}

async function writeTrace(file: string, shape: BenchShape): Promise<{ events: number; runs: number }> {
  const out = createWriteStream(file);
  let events = 0;
  let runs = 0;
  for (const chunk of benchShapeChunks(shape, TARGET_EVENTS)) {
    runs++;
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) events++;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return { events, runs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Sample {
  ms: number;
  /** CPU time (user + system, every thread) of the measurement: steadier than wall time under load. */
  cpuMs: number;
  analysisCpuMs: number;
  n: number;
  rssBytes: number;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!);
  const dir = join(tmpdir(), 'causelane-bench');
  mkdirSync(dir, { recursive: true });
  const only = process.env.BENCH_SHAPES?.split(',');
  const shapes = BENCH_SHAPES.filter((s) => !only || only.includes(s.name));
  const files = [];
  for (const shape of shapes) {
    const file = join(dir, `analyze-${shape.name}-${TARGET_EVENTS}.jsonl`);
    // BENCH_REUSE=1 keeps a file written by an earlier run of the same generator (its counts beside it).
    const meta = `${file}.json`;
    const counts =
      process.env.BENCH_REUSE && existsSync(meta)
        ? (JSON.parse(readFileSync(meta, 'utf8')) as { events: number; runs: number })
        : await writeTrace(file, shape);
    writeFileSync(meta, JSON.stringify(counts));
    files.push({ shape, file, ...counts, size: statSync(file).size });
  }
  const childBundle = join(dir, 'analyze-bench-child.mjs');
  // Imported here only, so the bundled child never loads esbuild.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: childBundle,
    external: ['esbuild'],
    logLevel: 'warning',
  });
  const run = (mode: string, file: string) =>
    JSON.parse(
      execFileSync(process.execPath, [childBundle, '--child', mode, file], { encoding: 'utf8' }),
    ) as Sample;
  const samples = files.map(() => ({ floor: [] as Sample[], analyze: [] as Sample[] }));
  const load0 = loadavg();
  // Interleaved: every round measures every shape, floor and analyze back to back (order alternating).
  for (let i = 0; i < ROUNDS; i++) {
    files.forEach((f, k) => {
      const modes = i % 2 === 0 ? ['floor', 'analyze'] : ['analyze', 'floor'];
      for (const mode of modes) samples[k]![mode as 'floor' | 'analyze'].push(run(mode, f.file));
    });
  }
  const load1 = loadavg();
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const ms = (xs: Sample[]) => xs.map((x) => x.ms.toFixed(0)).join(', ');
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mb(totalmem())} RAM, Node ${process.version}; load average ${load0.map((x) => x.toFixed(1)).join(' ')} before, ${load1.map((x) => x.toFixed(1)).join(' ')} after`,
  );
  console.log(`${ROUNDS} interleaved rounds, each measurement a fresh child process; medians`);
  let allMet = true;
  files.forEach((f, k) => {
    const { floor: fs, analyze: as } = samples[k]!;
    const ratio = median(as.map((x) => x.ms)) / median(fs.map((x) => x.ms));
    // The per-round ratio (analyze / floor of the same round) cancels slow load drift.
    const perRound = as.map((a, i) => a.ms / fs[i]!.ms);
    const cpuRatio = median(as.map((x) => x.cpuMs)) / median(fs.map((x) => x.cpuMs));
    const rss = Math.max(...as.map((x) => x.rssBytes));
    const met = ratio <= 1.3 && rss / f.size <= 2;
    allMet &&= met;
    console.log(
      `[${f.shape.name}] ${f.shape.label}: ${f.events.toLocaleString('en')} events in ${f.runs} runs, ${mb(f.size)}, ${as[0]!.n} anomalies`,
    );
    console.log(
      `  floor (read + JSON.parse per line): median ${median(fs.map((x) => x.ms)).toFixed(0)} ms of ${ms(fs)}`,
    );
    console.log(
      `  analyze (read + validate + sort + model + rules): median ${median(as.map((x) => x.ms)).toFixed(0)} ms of ${ms(as)}`,
    );
    console.log(
      `  ratio ${ratio.toFixed(2)}x (per round ${perRound.map((x) => x.toFixed(2)).join(', ')}; goal <= 1.3x) ${ratio <= 1.3 ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `  CPU time: floor ${median(fs.map((x) => x.cpuMs)).toFixed(0)} ms, analyze ${median(as.map((x) => x.cpuMs)).toFixed(0)} ms (of which model + rules ${median(as.map((x) => x.analysisCpuMs)).toFixed(0)} ms), ratio ${cpuRatio.toFixed(2)}x`,
    );
    console.log(
      `  peak RSS ${mb(rss)} = ${(rss / f.size).toFixed(2)}x file (floor ${mb(Math.max(...fs.map((x) => x.rssBytes)))}; goal <= 2x) ${rss / f.size <= 2 ? 'MET' : 'NOT MET'}`,
    );
  });
  console.log(allMet ? 'every shape within its goals' : 'some shape misses a goal');
}

await main();
