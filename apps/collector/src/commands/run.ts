// `causelane run SCENARIO --mode naive|causal [--seed N] [--out FILE.jsonl] [--collector URL]`:
// plays a teaching scenario live and writes its trace to a file and/or a collector.
import { join } from 'node:path';
import { analyzeEvents } from '@causelane/analysis';
import {
  findScenario,
  JsonlFileSink,
  MemorySink,
  newRunId,
  runScenario,
  ScenarioFailedError,
  type SinkFailure,
  type TimedSink,
  type TraceSink,
  TraceSinkError,
} from '@causelane/sdk';
import { SocketIoSink } from '@causelane/sdk/socketio';
import type { Command } from 'commander';
import { CliError } from './cli-error.ts';

export interface RunCommandOptions {
  mode?: string;
  seed?: string;
  out?: string;
  collector?: string;
  token?: string;
  timeScale?: string;
  /** How long to wait for the collector's acks at the end, in ms (default 10000); the file is not bounded by it. */
  collectorTimeout?: string;
  /** Where default trace files go (`.causelane/runs` under the working directory). */
  runsDir?: string;
}

function parseOptions(
  scenario: string,
  o: RunCommandOptions,
): { mode: 'naive' | 'causal'; seed: number; timeScale: number; collectorTimeoutMs: number } {
  try {
    findScenario(scenario);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const mode = o.mode;
  if (mode !== 'naive' && mode !== 'causal')
    throw new CliError(`--mode must be naive or causal, got "${mode ?? ''}"`);
  const seed = o.seed === undefined ? 1 : Number(o.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new CliError(`--seed must be a whole number >= 0, got "${o.seed}"`);
  const timeScale = o.timeScale === undefined ? 1 : Number(o.timeScale);
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new CliError(`--time-scale must be a positive number, got "${o.timeScale}"`);
  if (o.collector !== undefined && !/^https?:\/\/[^\s]+$/.test(o.collector)) {
    throw new CliError(`--collector must be an http(s) URL, got "${o.collector}"`);
  }
  const collectorTimeoutMs = o.collectorTimeout === undefined ? 10_000 : Number(o.collectorTimeout);
  if (!Number.isSafeInteger(collectorTimeoutMs) || collectorTimeoutMs <= 0)
    throw new CliError(`--collector-timeout must be a whole number of ms > 0, got "${o.collectorTimeout}"`);
  return { mode, seed, timeScale, collectorTimeoutMs };
}

/** Runs the command; returns the lines to print. Throws CliError on bad input or a failed sink. */
export async function runCommand(scenario: string, o: RunCommandOptions): Promise<string> {
  const { mode, seed, timeScale, collectorTimeoutMs } = parseOptions(scenario, o);
  const run = newRunId(`${scenario}-${mode}`);
  // A file is written even when streaming: it is the complete trace if the collector drops out.
  const out = o.out ?? join(o.runsDir ?? join('.causelane', 'runs'), `${run}.jsonl`);
  const memory = new MemorySink();
  const file = new JsonlFileSink(out);
  const collector = o.collector
    ? new SocketIoSink({
        url: o.collector,
        closeTimeoutMs: collectorTimeoutMs,
        ...(o.token ? { token: o.token } : {}),
      })
    : undefined;
  // Each sink has its own queue in the tracer, so a collector that stops answering never delays the
  // file; only the collector is bounded by --collector-timeout, a local file gets all it reasonably needs.
  const sinks: TimedSink[] = [
    { sink: memory, timeoutMs: Number.POSITIVE_INFINITY },
    { sink: file, timeoutMs: FILE_TIMEOUT_MS },
    ...(collector ? [{ sink: collector, timeoutMs: collectorTimeoutMs }] : []),
  ];
  const where = { out, file, collector, url: o.collector };
  try {
    await runScenario(scenario, { mode, seed, run, sinks, timeScale, closeSinks: true });
  } catch (err) {
    if (err instanceof TraceSinkError)
      throw new CliError(`causelane run ${run}: ${sinkFailureLine(err, where)}`, 1);
    if (err instanceof ScenarioFailedError && err.cause instanceof TraceSinkError) {
      // The scenario failed and the trace is incomplete too: say both, the scenario first.
      const reason = err.reason.replace(/\s+/g, ' ');
      const missing = sinkFailureLine(err.cause, where);
      throw new CliError(`causelane run ${run}: scenario ${scenario} failed: ${reason}; ${missing}`, 1);
    }
    // The tracer may never have got to close the sinks: do it here, bounded, so the process can exit.
    await Promise.race([
      Promise.allSettled(sinks.map((s) => s.sink.close())),
      new Promise((resolve) => setTimeout(resolve, collectorTimeoutMs).unref()),
    ]);
    throw new CliError(`causelane run: ${(err as Error).message}`, 1);
  }
  const report = analyzeEvents(memory.events);
  const bySeverity = (sev: string) => report.anomalies.filter((a) => a.severity === sev);
  const types = [...new Set(report.anomalies.map((a) => `${a.type} (${a.severity})`))];
  const lines = [
    `run ${run}: scenario ${scenario}, ${mode} mode, seed ${seed}, ${memory.events.length} events`,
    `anomalies: ${bySeverity('error').length} error, ${bySeverity('warning').length} warning, ${bySeverity('info').length} info${types.length ? `: ${types.join(', ')}` : ''}`,
    `trace written to ${out}`,
    `inspect it: causelane analyze ${out}`,
  ];
  if (o.collector)
    lines.push(`trace sent to ${o.collector} (run ${run}): all ${memory.events.length} events acknowledged`);
  return `${lines.join('\n')}\n`;
}

/** A generous bound for the trace file: only a wedged disk takes longer, and the command must still end. */
const FILE_TIMEOUT_MS = 60_000;

/** What each failed sink is missing, and where the complete trace is (if anywhere), on one line. */
function sinkFailureLine(
  err: TraceSinkError,
  s: { out: string; file: TraceSink; collector: TraceSink | undefined; url: string | undefined },
): string {
  const of = (f: SinkFailure) =>
    `${f.unacknowledged} of ${err.emitted} events (${f.cause.message.replace(/\s+/g, ' ')})`;
  const parts = err.failures.map((f) =>
    f.sink === s.file
      ? `trace file ${s.out} is missing ${of(f)}`
      : f.sink === s.collector
        ? `the collector at ${s.url} did not acknowledge ${of(f)}`
        : `the in-memory copy is missing ${of(f)}`,
  );
  const out = s.out;
  const file = s.file;
  const fileOk = !err.failures.some((f) => f.sink === file);
  const where = fileOk ? `the complete trace is in ${out}` : 'no complete copy of the trace was saved';
  return `${parts.join('; ')}; ${where}`;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('play a teaching scenario live and write its trace (see `causelane scenarios`)')
    .argument('<scenario>', 'scenario name')
    .requiredOption('--mode <mode>', 'naive or causal executor')
    .option('--seed <n>', 'seed for the simulated latencies (default 1)')
    .option(
      '--out <file>',
      'write the trace to this JSONL file (default .causelane/runs/<run>.jsonl, also with --collector)',
    )
    .option('--collector <url>', 'stream the trace to a running collector, e.g. http://127.0.0.1:4800')
    .option('--token <token>', 'collector token (default $CAUSELANE_TOKEN)')
    .option('--time-scale <x>', 'play simulated time x times faster (default 1)')
    .option(
      '--collector-timeout <ms>',
      'give up on collector acks after this long at the end (default 10000)',
    )
    .action(async (scenario: string, opts: RunCommandOptions) => {
      const token = opts.token ?? process.env.CAUSELANE_TOKEN;
      process.stdout.write(await runCommand(scenario, { ...opts, ...(token ? { token } : {}) }));
    });
}
