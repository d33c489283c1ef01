// The collector's runs, newest first, refreshed live when any run changes.
import { openCollectorRun } from '../actions/live-runs.ts';
import { countLabel } from '../model/count-label.ts';
import { useApp } from './use-app.ts';

export function RunList() {
  const runs = useApp((s) => s.runList);
  const collector = useApp((s) => s.collector);
  const active = useApp((s) => s.activeRun);
  if (collector === 'offline') {
    return (
      <section className="panel run-list" data-testid="run-list">
        <h2>Collector runs</h2>
        <p className="empty">
          No collector reachable. Start one with <code>pnpm causelane serve</code>, or open a trace file.
        </p>
      </section>
    );
  }
  return (
    <section className="panel run-list" data-testid="run-list">
      <h2>Collector runs</h2>
      {runs.length === 0 ? (
        <p className="empty">No runs yet. Run a scenario, or stream your own agent to this collector.</p>
      ) : (
        <ul>
          {runs.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                className={`run-item${r.id === active ? ' active' : ''}`}
                data-run={r.id}
                onClick={() => void openCollectorRun(r.id)}
              >
                <span className="run-id" title={r.id}>
                  {r.id}
                </span>
                <span className="muted">
                  {r.agent ?? 'agent'} · {r.mode ?? 'unknown'} · {countLabel(r.events, 'event')}
                </span>
                <span className="counts">
                  {r.anomalies.error > 0 && (
                    <span className="badge sev-error" title={countLabel(r.anomalies.error, 'error')}>
                      {r.anomalies.error}
                    </span>
                  )}
                  {r.anomalies.warning > 0 && (
                    <span className="badge sev-warning" title={countLabel(r.anomalies.warning, 'warning')}>
                      {r.anomalies.warning}
                    </span>
                  )}
                  {r.anomalies.info > 0 && (
                    <span className="badge sev-info" title={countLabel(r.anomalies.info, 'info')}>
                      {r.anomalies.info}
                    </span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
