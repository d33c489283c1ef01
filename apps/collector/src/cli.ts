// The `causelane` command line. Each command lives in src/commands/ and registers itself here.
import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './commands/analyze.ts';
import { CliError } from './commands/cli-error.ts';
import { registerExport } from './commands/export.ts';
import { registerRun } from './commands/run.ts';
import { registerScenarios } from './commands/scenarios.ts';
import { registerServe } from './commands/serve.ts';

const program = new Command('causelane')
  .description('See and prevent concurrency bugs in LLM agents whose tool calls run in parallel.')
  .showHelpAfterError()
  .exitOverride();

registerAnalyze(program);
registerExport(program);
registerRun(program);
registerScenarios(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  if (err instanceof CliError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`causelane: ${(err as Error).message ?? String(err)}\n`);
  process.exit(2);
}
