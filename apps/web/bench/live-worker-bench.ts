// `pnpm --filter @causelane/web bench:live` (issue 15.5): the web worker's live path in Node, flush by
// flush, for a 100k-event run arriving in 1,000-event flushes (10k events/s at the app's 10 flushes
// a second): LiveRunEvents (incremental analysis and columns) against the old path, the whole run
// sorted, rebuilt, analyzed and turned into columns on every flush. CPU time per event, same process.
import { cpus, loadavg } from 'node:os';
import { analyzeModel, buildRunModel } from '@causelane/analysis';
import { FAULT_ANOMALY, type FaultType, synthesizeRun } from '@causelane/analysis/testing';
import type { TraceEvent } from '@causelane/trace-schema';
import { LiveRunEvents } from '../src/model/live-run-events.ts';
import { evidenceOfEvents } from '../src/model/run-evidence.ts';
import { buildTimelineColumns } from '../src/model/timeline-columns.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const FLUSH = Number(process.env.BENCH_FLUSH ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function liveRun(run: string): TraceEvent[] {
  const kinds = Object.keys(FAULT_ANOMALY) as FaultType[];
  const faults = Array.from({ length: 5 }, () => kinds).flat();
  return synthesizeRun({ run, seed: 15, turns: Math.ceil(EVENTS / 11), maxCalls: 6, keys: 4, faults }).slice(
    0,
    EVENTS,
  );
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** New path: what live() in trace-worker.ts does per flush now. */
function incremental(events: TraceEvent[]): number {
  const t = cpu();
  const live = new LiveRunEvents('replay');
  for (let i = 0; i < events.length; i += FLUSH) {
    live.apply(events.slice(i, i + FLUSH), false);
    live.columns();
  }
  return cpu() - t;
}

/** Old path: the held events by seq, then the whole run sorted, rebuilt and analyzed per flush. */
function full(events: TraceEvent[]): number {
  const t = cpu();
  const held = new Map<number, TraceEvent>();
  for (let i = 0; i < events.length; i += FLUSH) {
    for (const e of events.slice(i, i + FLUSH)) if (!held.has(e.seq)) held.set(e.seq, e);
    const sorted = [...held.values()].sort((a, b) => a.seq - b.seq);
    const model = buildRunModel('replay', sorted);
    const cols = buildTimelineColumns(model, analyzeModel(model));
    cols.evidence = evidenceOfEvents(sorted);
  }
  return cpu() - t;
}

const events = liveRun('replay');
const us = (ms: number) => `${((ms * 1000) / events.length).toFixed(2)} µs/event`;
console.log(
  `web worker live path: ${events.length.toLocaleString('en-US')} events in flushes of ${FLUSH}; ` +
    `${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
const inc: number[] = [];
const old: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  inc.push(incremental(events));
  old.push(full(events));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
console.log(`  incremental (LiveRunEvents): ${median(inc).toFixed(0)} ms CPU (${us(median(inc))})`);
console.log(`  whole run per flush: ${median(old).toFixed(0)} ms CPU (${us(median(old))})`);
console.log(
  `  ratio: ${(median(old) / median(inc)).toFixed(1)}× less CPU; load after ${loadavg()[0]!.toFixed(2)}`,
);
