// `causelane export FILE --to chrome|jsonl [-o OUT]`: hands a trace of any supported format to
// other tools: Chrome Trace Event JSON (Perfetto UI, chrome://tracing) or format-v1 JSONL.
import { writeFileSync } from 'node:fs';
import { analyzeRuns } from '@causelane/analysis';
import { toChromeTrace } from '@causelane/exporters';
import { toJsonl } from '@causelane/trace-schema';
import { type Command, Option } from 'commander';
import { CliError } from './cli-error.ts';
import { readTraceInput } from './read-input.ts';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('convert a trace (JSONL v1, OTLP JSON or a message history) for other tools')
    .argument('<file>', 'trace file, or - for standard input')
    .addOption(
      new Option(
        '--to <format>',
        'chrome: Trace Event JSON for Perfetto UI / chrome://tracing; jsonl: format v1',
      )
        .choices(['chrome', 'jsonl'])
        .makeOptionMandatory(),
    )
    .option('-o, --output <file>', 'write here instead of standard output')
    .action(async (file: string, opts: { to: 'chrome' | 'jsonl'; output?: string }) => {
      const input = await readTraceInput(file, 'full');
      const text =
        opts.to === 'chrome'
          ? `${JSON.stringify(toChromeTrace(input.runs, analyzeRuns(input.runs).anomalies))}\n`
          : toJsonl([...input.runs.values()].flat());
      if (!opts.output) {
        process.stdout.write(text);
        return;
      }
      try {
        writeFileSync(opts.output, text);
      } catch (err) {
        throw new CliError(`${opts.output}: cannot write: ${(err as Error).message}`);
      }
      const events = [...input.runs.values()].reduce((n, r) => n + r.length, 0);
      process.stderr.write(
        `wrote ${opts.output} (${opts.to}, ${input.runs.size} runs, ${events} events from ${input.format})\n`,
      );
    });
}
