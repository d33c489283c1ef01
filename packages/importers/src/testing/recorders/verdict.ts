// Test support: imports a recorded OTLP request and runs the analyzer on it, so each dialect's test
// states what Causelane would tell the user (anomalies by run, turn and call; evidence notes).
import { analyzeRuns } from '@causelane/analysis';
import { importOtlpJsonDetailed } from '../../otlp-json.ts';

export interface Verdict {
  runs: string[];
  /** `type|severity|turn|call` of every anomaly, sorted. */
  anomalies: string[];
  /** Anomalies above info. */
  serious: string[];
  evidence: string[];
  warnings: string[];
  turns: Map<string, number>;
}

export function verdictOf(otlp: unknown): Verdict {
  const res = importOtlpJsonDetailed(otlp);
  const { anomalies } = analyzeRuns(res.runs);
  const keys = anomalies.map((a) => `${a.type}|${a.severity}|${a.turn}|${a.call ?? ''}`).sort();
  return {
    runs: [...res.runs.keys()],
    anomalies: keys,
    serious: anomalies
      .filter((a) => a.severity !== 'info')
      .map((a) => `${a.type}|${a.severity}|${a.turn}|${a.call ?? ''}`)
      .sort(),
    evidence: [...res.evidence.values()].flat(),
    warnings: res.warnings,
    turns: new Map(
      [...res.runs].map(([run, ev]) => [run, ev.filter((e) => e.type === 'llm.request').length]),
    ),
  };
}
