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
  SocketIoSink,
  type TraceSink,
} from '@causelane/sdk';
import type { Command } from 'commander';
import { CliError } from './cli-error.ts';

export interface RunCommandOptions {
  mode?: string;
  seed?: string;
  out?: string;
  collector?: string;
  token?: string;
  timeScale?: string;
  /** Where default trace files go (`.causelane/runs` under the working directory). */
  runsDir?: string;
}

function parseOptions(
  scenario: string,
  o: RunCommandOptions,
): { mode: 'naive' | 'causal'; seed: number; timeScale: number } {
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
  return { mode, seed, timeScale };
}

/** Runs the command; returns the lines to print. Throws CliError on bad input or a failed sink. */
export async function runCommand(scenario: string, o: RunCommandOptions): Promise<string> {
  const { mode, seed, timeScale } = parseOptions(scenario, o);
  const run = newRunId(`${scenario}-${mode}`);
  const out =
    o.out ?? (o.collector ? undefined : join(o.runsDir ?? join('.causelane', 'runs'), `${run}.jsonl`));
  const memory = new MemorySink();
  const sinks: TraceSink[] = [memory];
  // The file comes before the collector, so a collector that stops answering never costs the file.
  if (out) sinks.push(new JsonlFileSink(out));
  if (o.collector) sinks.push(new SocketIoSink({ url: o.collector, ...(o.token ? { token: o.token } : {}) }));
  try {
    await runScenario(scenario, { mode, seed, run, sinks, timeScale });
  } catch (err) {
    throw new CliError(`causelane run: ${(err as Error).message}`, 1);
  } finally {
    await Promise.allSettled(sinks.map((s) => s.close()));
  }
  const report = analyzeEvents(memory.events);
  const bySeverity = (sev: string) => report.anomalies.filter((a) => a.severity === sev);
  const types = [...new Set(report.anomalies.map((a) => `${a.type} (${a.severity})`))];
  const lines = [
    `run ${run}: scenario ${scenario}, ${mode} mode, seed ${seed}, ${memory.events.length} events`,
    `anomalies: ${bySeverity('error').length} error, ${bySeverity('warning').length} warning, ${bySeverity('info').length} info${types.length ? `: ${types.join(', ')}` : ''}`,
  ];
  if (out) lines.push(`trace written to ${out}`, `inspect it: causelane analyze ${out}`);
  if (o.collector) lines.push(`trace sent to ${o.collector} (run ${run})`);
  return `${lines.join('\n')}\n`;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('play a teaching scenario live and write its trace (see `causelane scenarios`)')
    .argument('<scenario>', 'scenario name')
    .requiredOption('--mode <mode>', 'naive or causal executor')
    .option('--seed <n>', 'seed for the simulated latencies (default 1)')
    .option('--out <file>', 'write the trace to this JSONL file (default .causelane/runs/<run>.jsonl)')
    .option('--collector <url>', 'stream the trace to a running collector, e.g. http://127.0.0.1:4800')
    .option('--token <token>', 'collector token (default $CAUSELANE_TOKEN)')
    .option('--time-scale <x>', 'play simulated time x times faster (default 1)')
    .action(async (scenario: string, opts: RunCommandOptions) => {
      const token = opts.token ?? process.env.CAUSELANE_TOKEN;
      process.stdout.write(await runCommand(scenario, { ...opts, ...(token ? { token } : {}) }));
    });
}
