// `causelane scenarios [--json]`: lists the teaching scenarios that `causelane run` can play.
import { SCENARIOS } from '@causelane/sdk';
import type { Command } from 'commander';

export function scenarioList(): { name: string; title: string; expects: string[] }[] {
  return SCENARIOS.map((s) => ({ name: s.name, title: s.title, expects: [...s.expects] }));
}

export function formatScenarios(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  const lines = SCENARIOS.map(
    (s) =>
      `${s.name.padEnd(width)}  ${s.title} (naive: ${s.expects.join(', ')})\n${' '.repeat(width + 2)}mirrors ${s.mirrors}`,
  );
  return `${lines.join('\n')}\n\nrun one: causelane run <name> --mode naive|causal [--seed N]\n`;
}

export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description(
      'list the teaching scenarios (each provokes its anomalies in naive mode, none in causal mode)',
    )
    .option('--json', 'print an array of { name, title, expects }')
    .action((opts: { json?: boolean }) => {
      process.stdout.write(opts.json ? `${JSON.stringify(scenarioList())}\n` : formatScenarios());
    });
}
