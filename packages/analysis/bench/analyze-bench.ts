// Benchmark: `causelane analyze`'s pipeline on a 1M-event trace holding every anomaly kind, against
// the floor measured in the same run (stream the file and JSON.parse each line). Each measurement
// runs in a fresh plain-Node child process (this file bundled by esbuild, as the CLI is), so its
// peak RSS is its own and no TypeScript loader is counted.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readCompactTraceStream } from '@causelane/trace-schema';
import { analyzeRuns } from '../src/analyze.ts';
import { FAULT_ANOMALY, type FaultType, synthesizeRun } from '../src/testing/synth.ts';

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
  return analyzeRuns(runs).anomalies.length;
}

async function child(mode: string, file: string): Promise<void> {
  const t0 = performance.now();
  const n = mode === 'floor' ? await floor(file) : await analyze(file);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, n, rssBytes: process.resourceUsage().maxRSS * 1024 }));
}

async function writeTrace(file: string): Promise<{ events: number; kinds: Set<string> }> {
  const out = createWriteStream(file);
  const faults = Object.keys(FAULT_ANOMALY) as FaultType[];
  let events = 0;
  let seed = 1;
  const kinds = new Set<string>();
  while (events < TARGET_EVENTS) {
    const run = synthesizeRun({
      run: `bench-${seed}`,
      seed,
      turns: 2000,
      maxCalls: 6,
      keys: 8,
      timeoutRate: 0.02,
      faults,
    });
    for (const f of faults) kinds.add(FAULT_ANOMALY[f].type);
    let chunk = '';
    for (const e of run) {
      if (events >= TARGET_EVENTS) break;
      chunk += `${JSON.stringify(e)}\n`;
      events++;
    }
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    seed++;
  }
  await new Promise<void>((r) => out.end(() => r()));
  return { events, kinds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!);
  const dir = join(tmpdir(), 'causelane-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `analyze-${TARGET_EVENTS}.jsonl`);
  const { events, kinds } = await writeTrace(file);
  const size = statSync(file).size;
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
  const run = (mode: string) =>
    JSON.parse(
      execFileSync(process.execPath, [childBundle, '--child', mode, file], { encoding: 'utf8' }),
    ) as {
      ms: number;
      n: number;
      rssBytes: number;
    };
  const floors: number[] = [];
  const analyses: number[] = [];
  let rss = 0;
  let floorRss = 0;
  let anomalies = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const f = run('floor');
    const a = run('analyze');
    floors.push(f.ms);
    analyses.push(a.ms);
    rss = Math.max(rss, a.rssBytes);
    floorRss = Math.max(floorRss, f.rssBytes);
    anomalies = a.n;
  }
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const ratio = median(analyses) / median(floors);
  console.log(
    `analyze benchmark: ${events.toLocaleString('en')} events, ${mb(size)} file, ${kinds.size} anomaly kinds, ${anomalies} anomalies found`,
  );
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${mb(totalmem())} RAM, Node ${process.version}`,
  );
  console.log(
    `floor (read + JSON.parse per line): median ${median(floors).toFixed(0)} ms of ${floors.map((x) => x.toFixed(0)).join(', ')}; peak RSS ${mb(floorRss)}`,
  );
  console.log(
    `analyze (read + validate + dedup/sort + model + rules): median ${median(analyses).toFixed(0)} ms of ${analyses.map((x) => x.toFixed(0)).join(', ')}`,
  );
  console.log(`ratio analyze/floor: ${ratio.toFixed(2)}x (goal <= 1.5x) ${ratio <= 1.5 ? 'MET' : 'NOT MET'}`);
  console.log(
    `peak RSS analyze: ${mb(rss)} = ${(rss / size).toFixed(2)}x file size (goal <= 2x) ${rss / size <= 2 ? 'MET' : 'NOT MET'}`,
  );
}

await main();
