// `causelane analyze FILE|- [--json]`: reports every anomaly; exit 0 clean, 1 on an error, 2 on bad input.
import { type AnalysisReport, type Anomaly, analyzeRuns, EXPLANATIONS, type RunSummary } from '@causelane/analysis';
import type { Command } from 'commander';
import pc from 'picocolors';
import { readTraceInput } from './read-input.ts';

export function exitCodeFor(report: AnalysisReport): 0 | 1 {
  return report.anomalies.some((a) => a.severity === 'error') ? 1 : 0;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('find concurrency anomalies in a JSONL trace (exit 0 clean, 1 errors found, 2 invalid input)')
    .argument('<file>', 'trace file (JSONL, format v1), or - for standard input')
    .option('--json', 'print one JSON object: { runs, anomalies }')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { runs } = await readTraceInput(file);
      const report = analyzeRuns(runs);
      process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatHuman(report, pc.isColorSupported));
      process.exitCode = exitCodeFor(report);
    });
}

const sevColor = (color: boolean) => ({
  error: color ? pc.red : (s: string) => s,
  warning: color ? pc.yellow : (s: string) => s,
  info: color ? pc.cyan : (s: string) => s,
});

function runLine(r: RunSummary, color: boolean): string {
  const c = sevColor(color);
  const head = `run ${r.run}${r.agent ? ` (${r.agent})` : ''}${r.mode ? ` [${r.mode}]` : ''}`;
  const counts = `${c.error(`${r.anomalies.error} error`)}, ${c.warning(`${r.anomalies.warning} warning`)}, ${c.info(`${r.anomalies.info} info`)}`;
  const span = r.start !== null && r.end !== null ? `, ${Math.round(r.end - r.start)} ms` : '';
  return `${color ? pc.bold(head) : head}: ${r.events} events, ${r.turns} turns, ${r.calls} calls${span}; ${counts}`;
}

function anomalyLine(a: Anomaly, color: boolean): string {
  const c = sevColor(color);
  const where = `turn ${a.turn}${a.call ? ` call ${a.call}` : ''}`;
  const sev = c[a.severity](a.severity.padEnd(7));
  const seqs = color ? pc.dim(`[seq ${a.seqs.join(',')}]`) : `[seq ${a.seqs.join(',')}]`;
  return `  ${sev} ${a.type} ${where}: ${a.message} ${seqs}`;
}

export function formatHuman(report: AnalysisReport, color: boolean): string {
  const out: string[] = [];
  for (const r of report.runs) {
    out.push(runLine(r, color));
    const mine = report.anomalies.filter((a) => a.run === r.run);
    for (const a of mine) out.push(anomalyLine(a, color));
    const fixes = [...new Set(mine.filter((a) => a.severity !== 'info').map((a) => a.type))];
    for (const t of fixes) out.push(`  ${color ? pc.dim('fix') : 'fix'} ${t}: ${EXPLANATIONS[t].fix}`);
  }
  if (report.runs.length === 0) out.push('no events');
  return `${out.join('\n')}\n`;
}
