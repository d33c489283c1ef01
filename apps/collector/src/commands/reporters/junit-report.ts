// `causelane analyze --format junit`: JUnit XML for CI test reports. One testsuite per run; each
// anomaly is a testcase that fails when its severity is at or above the gate; a clean run is
// one passing testcase, so the report always shows what was checked. Evidence notes and file
// warnings go to each suite's system-out: they are not failures.
import { type AnalysisReport, EXPLANATIONS, SEVERITY_RANK, type Severity } from '@causelane/analysis';
import { type ImportNotes, NO_NOTES } from './import-notes.ts';

/** XML 1.0 text: escape markup and drop characters XML cannot carry at all. */
function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function toJunitXml(
  report: AnalysisReport,
  failOn: Severity = 'error',
  suiteName = 'causelane',
  notes: ImportNotes = NO_NOTES,
): string {
  const failing = (s: Severity) => SEVERITY_RANK[s] <= SEVERITY_RANK[failOn];
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const run of report.runs) {
    const mine = report.anomalies.filter((a) => a.run === run.run);
    const cases: string[] = [];
    for (const a of mine) {
      const name = `${a.type} turn ${a.turn}${a.call ? ` call ${a.call}` : ''}`;
      const body = `${a.message}\nseqs: ${a.seqs.join(',')}\nfix: ${EXPLANATIONS[a.type].fix}`;
      if (failing(a.severity)) {
        failures++;
        cases.push(
          `    <testcase classname="${xml(run.run)}" name="${xml(name)}">\n      <failure message="${xml(a.message)}" type="${a.severity}">${xml(body)}</failure>\n    </testcase>`,
        );
      } else {
        cases.push(
          `    <testcase classname="${xml(run.run)}" name="${xml(name)}">\n      <system-out>${xml(`${a.severity}: ${body}`)}</system-out>\n    </testcase>`,
        );
      }
    }
    if (mine.length === 0) cases.push(`    <testcase classname="${xml(run.run)}" name="no anomalies"/>`);
    const runFailures = mine.filter((a) => failing(a.severity)).length;
    tests += cases.length;
    const said = [
      ...(notes.evidence.get(run.run) ?? []).map((n) => `evidence: ${n}`),
      ...notes.warnings.map((w) => `warning: ${w}`),
    ];
    const out = said.length > 0 ? `\n    <system-out>${xml(said.join('\n'))}</system-out>` : '';
    suites.push(
      `  <testsuite name="${xml(`run ${run.run}`)}" tests="${cases.length}" failures="${runFailures}" errors="0" skipped="0">\n${cases.join('\n')}${out}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(suiteName)}" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
