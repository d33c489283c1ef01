// `pnpm --filter @causelane/analysis bench:live`: a live run of 100k events analyzed as it arrives in
// 1k-event batches, by IncrementalAnalysis against the old way (the whole run rebuilt and analyzed
// after every batch), in the same process. Reports CPU time per event, median of interleaved rounds.
import { cpus, loadavg } from 'node:os';
import type { TraceEvent } from '@causelane/trace-schema';
import { analyzeModel, compareAnomalies, summarize } from '../src/analyze.ts';
import { IncrementalAnalysis } from '../src/incremental-analysis.ts';
import { buildRunModel } from '../src/model.ts';
import { FAULT_ANOMALY, type FaultType, synthesizeRun } from '../src/testing/synth.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** One run of EVENTS events, 1–6 parallel calls a turn, every fault kind a few times. */
function liveRun(): TraceEvent[] {
  const kinds = Object.keys(FAULT_ANOMALY) as FaultType[];
  const faults = Array.from({ length: 5 }, () => kinds).flat();
  const turns = Math.ceil(EVENTS / 11);
  return synthesizeRun({
    run: 'live',
    seed: 15,
    turns,
    maxCalls: 6,
    keys: 4,
    timeoutRate: 0.05,
    faults,
  }).slice(0, EVENTS);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Feeds the run batch by batch; returns CPU ms and the final anomaly count (both ways must agree). */
function incremental(events: TraceEvent[]): { ms: number; anomalies: number } {
  const t0 = cpuMs();
  const a = new IncrementalAnalysis('live');
  let n = 0;
  for (let at = 0; at < events.length; at += BATCH) {
    a.add(events.slice(at, at + BATCH));
    n = a.anomalies().length;
    a.summary();
  }
  return { ms: cpuMs() - t0, anomalies: n };
}

function full(events: TraceEvent[]): { ms: number; anomalies: number } {
  const t0 = cpuMs();
  const held: TraceEvent[] = [];
  let n = 0;
  for (let at = 0; at < events.length; at += BATCH) {
    held.push(...events.slice(at, at + BATCH));
    // What the live paths did per batch: sort what is held, build the model, run every rule.
    const sorted = [...held].sort((x, y) => x.seq - y.seq);
    const m = buildRunModel('live', sorted);
    const anomalies = analyzeModel(m);
    summarize(m, anomalies);
    n = anomalies.length;
  }
  return { ms: cpuMs() - t0, anomalies: n };
}

const events = liveRun();
const check = new IncrementalAnalysis('live', events);
const whole = analyzeModel(buildRunModel('live', events));
if (JSON.stringify(check.anomalies()) !== JSON.stringify([...whole].sort(compareAnomalies)))
  throw new Error('incremental analysis differs from full analysis');
console.log(
  `live analysis: ${events.length.toLocaleString('en-US')} events in batches of ${BATCH}, ${whole.length} anomalies; ` +
    `${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
const inc: number[] = [];
const old: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const a = incremental(events);
  const b = full(events);
  if (a.anomalies !== b.anomalies) throw new Error(`anomaly counts differ: ${a.anomalies} vs ${b.anomalies}`);
  inc.push(a.ms);
  old.push(b.ms);
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
const perEvent = (ms: number) => `${((ms * 1000) / events.length).toFixed(2)} µs/event`;
console.log(`  incremental: ${median(inc).toFixed(0)} ms CPU (${perEvent(median(inc))})`);
console.log(`  full re-analysis per batch: ${median(old).toFixed(0)} ms CPU (${perEvent(median(old))})`);
console.log(
  `  ratio: ${(median(old) / median(inc)).toFixed(1)}× less CPU; load after ${loadavg()[0]!.toFixed(2)}`,
);
