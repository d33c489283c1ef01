// Benchmark: Chrome trace export throughput on a 1M-event trace holding every anomaly kind, next to
// the analyzer's, each as a ratio against the floor measured in the same run (read the file and
// JSON.parse each line). Export = read + analyze + stream the Trace Event JSON to a file.
// Writes bench-out/export-bench.json at the repository root.
import { createReadStream, createWriteStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { analyzeModel, analyzeRuns, buildRunModel } from '@causelane/analysis';
import { FAULT_ANOMALY, type FaultType, synthesizeRun } from '@causelane/analysis/testing';
import { type CompactRun, readCompactTraceStream } from '@causelane/trace-schema';
import { chromeTraceJson } from '../src/chrome-trace.ts';

const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function writeTrace(file: string): Promise<number> {
  const out = createWriteStream(file);
  const faults = Object.keys(FAULT_ANOMALY) as FaultType[];
  let events = 0;
  for (let seed = 1; events < TARGET_EVENTS; seed++) {
    const run = synthesizeRun({
      run: `bench-${seed}`,
      seed,
      turns: 2000,
      maxCalls: 6,
      keys: 8,
      timeoutRate: 0.02,
      faults,
    });
    let chunk = '';
    for (const e of run) {
      if (events >= TARGET_EVENTS) break;
      chunk += `${JSON.stringify(e)}\n`;
      events++;
    }
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return events;
}

async function floor(file: string): Promise<number> {
  let n = 0;
  const lines = createInterface({
    input: createReadStream(file, { highWaterMark: 1 << 16 }),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line) n += JSON.parse(line).seq >= 0 ? 1 : 0;
  return n;
}

async function read(file: string): Promise<Map<string, CompactRun>> {
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  const { runs, errors } = await readCompactTraceStream(input as AsyncIterable<string>, {
    hashRepeats: false,
  });
  if (errors.length) throw new Error(`bench trace invalid: ${errors[0]!.message}`);
  return runs;
}

async function analyze(file: string): Promise<number> {
  return analyzeRuns(await read(file)).anomalies.length;
}

/** As `causelane export --to chrome` and the web worker do: one model per run, analyzed, streamed out. */
async function exportChrome(file: string, outFile: string): Promise<number> {
  const models = [...(await read(file))].map(([run, compact]) => buildRunModel(run, compact));
  const anomalies = models.flatMap((m) => analyzeModel(m));
  const out = createWriteStream(outFile);
  let bytes = 0;
  for (const chunk of chromeTraceJson(
    models.map((model) => ({ model })),
    anomalies,
  )) {
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dir = join(tmpdir(), 'causelane-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `export-${TARGET_EVENTS}.jsonl`);
  const events = await writeTrace(file);
  const outFile = join(dir, `export-${TARGET_EVENTS}.trace.json`);
  const floors: number[] = [];
  const analyses: number[] = [];
  const exports: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    floors.push(await time(() => floor(file)));
    analyses.push(await time(() => analyze(file)));
    exports.push(await time(() => exportChrome(file, outFile)));
  }
  const f = median(floors);
  const a = median(analyses);
  const x = median(exports);
  const result = {
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), shared with other builds, Node ${process.version}`,
    events,
    inputBytes: statSync(file).size,
    outputBytes: statSync(outFile).size,
    floorMs: Math.round(f),
    analyzeMs: Math.round(a),
    exportMs: Math.round(x),
    analyzeEventsPerSec: Math.round(events / (a / 1000)),
    exportEventsPerSec: Math.round(events / (x / 1000)),
    analyzeOverFloor: Number((a / f).toFixed(2)),
    exportOverFloor: Number((x / f).toFixed(2)),
    rounds: {
      floor: floors.map(Math.round),
      analyze: analyses.map(Math.round),
      export: exports.map(Math.round),
    },
  };
  mkdirSync(join(ROOT, 'bench-out'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-out/export-bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

await main();
