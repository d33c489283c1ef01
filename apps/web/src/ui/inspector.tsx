// The selected call: arguments, result or error, reads and writes with versions, lifecycle times and
// happens-before relations. Trace content is rendered as React text, never as HTML.
import { callDetailsOf } from '../actions/trace-queries.ts';
import type { CallDetails } from '../model/call-details.ts';
import { AnomalyEvidence } from './anomaly-evidence.tsx';
import { useApp } from './use-app.ts';
import { useWorkerQuery, versionOf } from './use-worker-query.ts';

function json(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 2) ?? String(v);
}

function fmtTime(t: number, t0: number): string {
  return `${new Date(t).toISOString().slice(11, 23)} (+${(t - t0).toFixed(1)} ms)`;
}

export function Inspector({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const call = useApp((s) => s.selectedCall);
  const details = useWorkerQuery<CallDetails | null>(
    cols && call ? () => callDetailsOf(run, call) : null,
    `${run}|${call}|${versionOf(cols)}`,
  );
  if (!call) {
    return (
      <section className="panel inspector" aria-label="Inspector" data-testid="inspector">
        <h2>Inspector</h2>
        <p className="empty">
          Click a lane or an anomaly to inspect the call: its arguments, result, state versions and causal
          order.
        </p>
        <AnomalyEvidence run={run} />
      </section>
    );
  }
  if (!details) {
    return (
      <section className="panel inspector" aria-label="Inspector" data-testid="inspector">
        <h2>Inspector</h2>
        <p className="empty">Call {call} is not in this run.</p>
        <AnomalyEvidence run={run} />
      </section>
    );
  }
  const t0 = cols && cols.eventCount > 0 ? cols.t[0]! : 0;
  return (
    <section className="panel inspector" aria-label="Inspector" data-testid="inspector">
      <h2>
        <span data-testid="inspector-name">{details.name}</span>{' '}
        <span className="muted">#{details.index}</span>
      </h2>
      <dl className="facts">
        <dt>call id</dt>
        <dd data-testid="inspector-call-id">{details.id}</dd>
        <dt>turn</dt>
        <dd>{details.turn}</dd>
        <dt>outcome</dt>
        <dd>
          {details.ok === null ? 'no result yet' : details.ok ? 'ok' : 'error'}
          {details.synthetic && ' · synthetic commit'}
          {details.orphanReason && ` · orphaned (${details.orphanReason})`}
        </dd>
      </dl>
      <AnomalyEvidence run={run} />
      <h3>Arguments</h3>
      <pre data-testid="inspector-args">{json(details.args)}</pre>
      {details.error !== null ? (
        <>
          <h3>Error</h3>
          <pre className="error-text">{details.error}</pre>
        </>
      ) : (
        <>
          <h3>Result</h3>
          <pre data-testid="inspector-result">{json(details.result)}</pre>
        </>
      )}
      <h3>Reads and writes</h3>
      {details.reads.length + details.writes.length === 0 ? (
        <p className="muted">None declared (state anomalies cannot be proven for this call).</p>
      ) : (
        <table className="kv">
          <tbody>
            {details.reads.map((r) => (
              <tr key={`r${r.key}`}>
                <td>read</td>
                <td>{r.key}</td>
                <td>v{r.version}</td>
              </tr>
            ))}
            {details.writes.map((w) => (
              <tr key={`w${w.key}`}>
                <td>write</td>
                <td>{w.key}</td>
                <td>v{w.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Lifecycle</h3>
      <table className="kv" data-testid="inspector-lifecycle">
        <tbody>
          {details.lifecycle.map((s) => (
            <tr key={s.label}>
              <td>{s.label}</td>
              <td>seq {s.seq}</td>
              <td>{fmtTime(s.t, t0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Happens-before</h3>
      <ul className="relations" data-testid="inspector-relations">
        {details.relations.map((r) => (
          <li key={r.text} className={`rel-${r.kind}`}>
            {r.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
