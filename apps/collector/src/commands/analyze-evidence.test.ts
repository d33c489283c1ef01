// `causelane analyze` says what an OTLP trace could not show: each run's evidence notes (text,
// JSON, GitHub notices, JUnit system-out) and the file warning for many one-span runs, without
// turning either into an anomaly or a failing exit code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordAgentOtlp, recordAgentOtlpProtobuf } from '@causelane/importers/testing';
import { describe, expect, it } from 'vitest';
import { CORRECT_AGENT } from '../testing/otlp-exporters.ts';
import { EXAMPLES, runCli } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'causelane-analyze-evidence-'));
const NO_TOOL_SPANS = /^no tool spans: tool start and end times unknown/;

interface OtlpSpans {
  resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
}

/** The correct agent as an instrumentation without tool spans records it (calls only in messages). */
function withoutToolSpans(): string {
  const req = recordAgentOtlp(CORRECT_AGENT) as OtlpSpans;
  for (const rs of req.resourceSpans)
    for (const ss of rs.scopeSpans) ss.spans = ss.spans.filter((s) => !s.name.startsWith('execute_tool'));
  const file = join(dir, 'no-tool-spans.json');
  writeFileSync(file, JSON.stringify(req));
  return file;
}

/** Three agents that each made one model call in a trace of its own: nothing joins them. */
function oneSpanRuns(): Uint8Array {
  const single = { turns: [{ start: 0, end: 10, calls: [] }] };
  // Concatenated protobuf messages are one message whose repeated resourceSpans are appended.
  return Buffer.concat([0, 1, 2].map(() => recordAgentOtlpProtobuf(single)));
}

describe('causelane analyze shows evidence notes and file warnings', () => {
  it('text: the note under its run, exit 0 and nothing above info for a correct agent', async () => {
    const r = await runCli(['analyze', withoutToolSpans()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^run conv-correct \(trip-agent\) \[unknown\]: .* 0 error, 0 warning, 0 info$/);
    expect(lines[1]).toMatch(/^ {2}evidence no tool spans: tool start and end times unknown; /);
    expect(r.stdout).not.toMatch(/^ {2}(error|warning) /m);
  });

  it('--json: each run carries its evidence, the file its warnings', async () => {
    const r = await runCli(['analyze', withoutToolSpans(), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      runs: { run: string; evidence: string[] }[];
      anomalies: { severity: string }[];
      warnings: string[];
    };
    expect(out.runs.map((x) => x.run)).toEqual(['conv-correct']);
    expect(out.runs[0]!.evidence).toEqual([expect.stringMatching(NO_TOOL_SPANS)]);
    expect(out.anomalies.filter((a) => a.severity !== 'info')).toEqual([]);
    expect(out.warnings).toEqual([]);
  });

  it('a protobuf file of one-span runs: the warning in text, JSON, GitHub and JUnit output', async () => {
    const file = join(dir, 'one-span-runs.pb');
    writeFileSync(file, oneSpanRuns());
    const text = await runCli(['analyze', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^warning: 3 of 3 runs hold a single model call: .*docs\/importers\.md\)$/m);

    const json = JSON.parse((await runCli(['analyze', file, '--json'])).stdout) as { warnings: string[] };
    expect(json.warnings).toEqual([expect.stringMatching(/^3 of 3 runs hold a single model call/)]);

    const gh = await runCli(['analyze', file, '--format', 'github']);
    const warning = gh.stdout.split('\n').filter((l) => l.startsWith('::warning '));
    expect(warning).toEqual([
      expect.stringMatching(/^::warning file=.*one-span-runs\.pb,title=Causelane import::3 of 3 runs hold/),
    ]);

    const junit = await runCli(['analyze', file, '--format', 'junit']);
    expect(junit.stdout).toContain('failures="0"');
    expect(junit.stdout.match(/<system-out>warning: 3 of 3 runs hold a single model call/g)).toHaveLength(3);
  });

  it('GitHub: one notice per run with notes; JUnit: the notes in the run suite, not as failures', async () => {
    const file = withoutToolSpans();
    const gh = await runCli(['analyze', file, '--format', 'github']);
    expect(gh.code).toBe(0);
    const notices = gh.stdout.split('\n').filter((l) => l.startsWith('::notice '));
    expect(notices).toEqual([
      expect.stringMatching(
        /^::notice file=.*no-tool-spans\.json,title=Causelane%3A what run conv-correct's trace cannot show::evidence: no tool spans: /,
      ),
    ]);
    const junit = await runCli(['analyze', file, '--format', 'junit']);
    expect(junit.code).toBe(0);
    expect(junit.stdout).toMatch(
      /<testsuite name="run conv-correct" tests="\d+" failures="0"[^>]*>[\s\S]*<system-out>evidence: no tool spans: [^<]*<\/system-out>\n {2}<\/testsuite>/,
    );
  });

  it('JSONL v1 without notes prints none', async () => {
    const r = await runCli(['analyze', `${EXAMPLES}impatient-loop.jsonl`, '--json']);
    const out = JSON.parse(r.stdout) as { runs: { evidence: string[] }[]; warnings: string[] };
    expect(out.runs.map((x) => x.evidence)).toEqual([[]]);
    expect(out.warnings).toEqual([]);
  });
});
