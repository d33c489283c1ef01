// The selected anomaly's evidence in the inspector: its proof events in happens-before order with
// the arrow between each pair (what the timeline draws), and for a state anomaly both sides, reader
// and writer, with the versions each saw or wrote. Trace content is React text, never HTML.
import { useMemo } from 'react';
import { proofFor } from '../model/proof-arrows.ts';
import { stateEvidence } from '../model/state-evidence.ts';
import { useApp } from './use-app.ts';

export function AnomalyEvidence({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const id = useApp((s) => (s.activeRun === run ? s.selectedAnomaly : null));
  const a = id === null ? undefined : cols?.anomalies[id];
  const proof = useMemo(() => (cols && a ? proofFor(cols, a.id) : null), [cols, a]);
  const keys = useMemo(() => (cols && a ? stateEvidence(cols, a) : []), [cols, a]);
  if (!cols || !a || !proof) return null;
  return (
    <div className="evidence" data-testid="anomaly-evidence" data-anomaly-type={a.type}>
      <h3>Evidence · {a.type}</h3>
      {keys.map((k) => (
        <table key={k.key} className="kv state-sides" data-testid="state-sides" data-key={k.key}>
          <caption>
            {k.key}
            {k.stale && <span className="badge sev-error">stale</span>}
          </caption>
          <tbody>
            {k.writers.map((w) => (
              <tr key={`w${w.seq}`} data-role="writer" data-version={w.version}>
                <td>writer</td>
                <td>{w.name}</td>
                <td>wrote v{w.version}</td>
                <td>seq {w.seq}</td>
              </tr>
            ))}
            {k.readers.map((r) => (
              <tr key={`r${r.seq}`} data-role="reader" data-version={r.version}>
                <td>reader</td>
                <td>{r.name}</td>
                <td>read v{r.version}</td>
                <td>seq {r.seq}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <ol className="proof-steps" aria-label="Proof in happens-before order" data-testid="proof-steps">
        {proof.steps.map((s, i) => (
          <li key={s.seq} data-seq={s.seq}>
            {i > 0 && (
              <span
                className="proof-arrow"
                data-testid="proof-arrow"
                data-from={proof.steps[i - 1]!.seq}
                data-to={s.seq}
              >
                ↓ {proof.arrows[i - 1]!.kind}
              </span>
            )}
            <span className="proof-step">{s.text}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
