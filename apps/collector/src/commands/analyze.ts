// `causelane analyze FILE|-`: reports every anomaly in a trace of any supported format (JSONL v1,
// OTLP JSON, message histories), with what an import could not see (evidence notes, file warnings).
// Exit 0 clean, 1 when an anomaly reaches --fail-on, 2 on bad input; notes never change it.
import {
  type AnalysisReport,
  type Anomaly,
  analyzeRuns,
  EXPLANATIONS,
  type RunSummary,
  SEVERITY_RANK,
  type Severity,
} from '@causelane/analysis';
import { type Command, Option } from 'commander';
import pc from 'picocolors';
import { readTraceInput } from './read-input.ts';
import { toGithubAnnotations, toGithubNotes } from './reporters/github-annotations.ts';
import { type ImportNotes, importNotesOf, NO_NOTES } from './reporters/import-notes.ts';
import { toJunitXml } from './reporters/junit-report.ts';

export type FailOn = 'error' | 'warning';
export type ReportFormat = 'text' | 'json' | 'github' | 'junit';

/** 1 when an anomaly at or above `failOn` exists (the CI gate), else 0. */
export function exitCodeFor(report: AnalysisReport, failOn: FailOn = 'error'): 0 | 1 {
  const limit = SEVERITY_RANK[failOn];
  return report.anomalies.some((a) => SEVERITY_RANK[a.severity] <= limit) ? 1 : 0;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description(
      'find concurrency anomalies in a trace: JSONL v1, OTLP JSON (GenAI spans) or a message history ' +
        '(OpenAI Chat/Responses, Anthropic), detected on its own (exit 0 clean, 1 anomalies at --fail-on, 2 invalid input)',
    )
    .argument('<file>', 'trace file, or - for standard input')
    .addOption(
      new Option(
        '--format <format>',
        'text for people, json for tools, github for Actions annotations, junit for test reports',
      )
        .choices(['text', 'json', 'github', 'junit'])
        .default('text'),
    )
    .option(
      '--json',
      'same as --format json: one JSON object { runs, anomalies, warnings }, each run with its evidence notes',
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when an anomaly of this severity or worse exists')
        .choices(['error', 'warning'])
        .default('error'),
    )
    .action(async (file: string, opts: { json?: boolean; format: ReportFormat; failOn: FailOn }) => {
      const input = await readTraceInput(file);
      const report = analyzeRuns(input.runs);
      const format: ReportFormat = opts.json ? 'json' : opts.format;
      process.stdout.write(
        render(
          report,
          format,
          opts.failOn,
          file === '-' ? undefined : file,
          input.lineOf,
          importNotesOf(input),
        ),
      );
      process.exitCode = exitCodeFor(report, opts.failOn);
    });
}

function render(
  report: AnalysisReport,
  format: ReportFormat,
  failOn: Severity,
  file: string | undefined,
  lineOf: (run: string, seq: number) => number | undefined,
  notes: ImportNotes,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(withNotes(report, notes))}\n`;
    case 'github': {
      const summary = report.runs.map(
        (r) =>
          `run ${r.run}: ${r.anomalies.error} error, ${r.anomalies.warning} warning, ${r.anomalies.info} info`,
      );
      return (
        toGithubAnnotations(report.anomalies, { ...(file ? { file } : {}), lineOf }) +
        toGithubNotes(notes, file) +
        summary.map((l) => `${l}\n`).join('')
      );
    }
    case 'junit':
      return toJunitXml(report, failOn, 'causelane', notes);
    default:
      return formatHuman(report, pc.isColorSupported, notes);
  }
}

/** The JSON report: each run gains `evidence` (always an array), the file `warnings`. */
export function withNotes(report: AnalysisReport, notes: ImportNotes) {
  return {
    runs: report.runs.map((r) => ({ ...r, evidence: notes.evidence.get(r.run) ?? [] })),
    anomalies: report.anomalies,
    warnings: notes.warnings,
  };
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

export function formatHuman(report: AnalysisReport, color: boolean, notes: ImportNotes = NO_NOTES): string {
  const out: string[] = [];
  const label = (s: string) => (color ? pc.dim(s) : s);
  for (const r of report.runs) {
    out.push(runLine(r, color));
    for (const note of notes.evidence.get(r.run) ?? []) out.push(`  ${label('evidence')} ${note}`);
    const mine = report.anomalies.filter((a) => a.run === r.run);
    for (const a of mine) out.push(anomalyLine(a, color));
    const fixes = [...new Set(mine.filter((a) => a.severity !== 'info').map((a) => a.type))];
    for (const t of fixes) out.push(`  ${color ? pc.dim('fix') : 'fix'} ${t}: ${EXPLANATIONS[t].fix}`);
  }
  if (report.runs.length === 0) out.push('no events');
  for (const w of notes.warnings) out.push(`${color ? pc.yellow('warning') : 'warning'}: ${w}`);
  return `${out.join('\n')}\n`;
}
