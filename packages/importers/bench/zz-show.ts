import { readFileSync } from 'node:fs';
import { importOtlpJsonDetailed } from '/work/main/packages/importers/src/otlp-json.ts';
import { analyzeRuns } from '/work/main/packages/analysis/src/index.ts';
const r = importOtlpJsonDetailed(JSON.parse(readFileSync(process.argv[2]!, 'utf8')));
for (const [run, ev] of r.runs) {
  console.log('RUN', run, JSON.stringify(r.evidence.get(run) ?? []));
  for (const e of ev) console.log(' ', e.seq, e.type, 'turn' in e ? e.turn : '', 'call' in e ? e.call : '', e.type === 'llm.response' ? JSON.stringify((e as any).calls.map((c: any) => c.id)) : '');
}
console.log(analyzeRuns(r.runs).anomalies.map((a) => `${a.type} ${a.severity} t${a.turn} ${a.call}`));
console.log(r.warnings);
