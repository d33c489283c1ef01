// Causal executor mode: run a teaching scenario naive and causal side by side on the collector and
// watch both live, with the pitfall's explanation and each run's anomaly counts.
import { useState } from 'react';
import { closeCompare, startCompare } from '../actions/compare-scenario.ts';
import { openCollectorRun } from '../actions/live-runs.ts';
import { focusAnomalyOf, selectInRun } from '../actions/selection.ts';
import { countBySeverity } from '../model/anomaly-filter.ts';
import { countLabel } from '../model/count-label.ts';
import { SwimlaneCanvas } from './swimlane-canvas.tsx';
import { useApp } from './use-app.ts';

export function ScenarioPicker() {
  const scenarios = useApp((s) => s.scenarios);
  const collector = useApp((s) => s.collector);
  const [name, setName] = useState('');
  if (collector !== 'online' || scenarios.length === 0) return null;
  const chosen = name || scenarios[0]!.name;
  return (
    <div className="scenario-picker" data-testid="scenario-picker">
      <label>
        Scenario{' '}
        <select
          value={chosen}
          title={scenarios.find((s) => s.name === chosen)?.title}
          onChange={(e) => setName(e.target.value)}
          data-testid="scenario-select"
        >
          {scenarios.map((s) => (
            <option key={s.name} value={s.name}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="primary"
        onClick={() => void startCompare(chosen)}
        data-testid="run-scenario"
      >
        Run naive vs causal
      </button>
    </div>
  );
}

function Side({ run, label }: { run: string | null; label: 'naive' | 'causal' }) {
  const cols = useApp((s) => (run ? s.runs[run] : undefined));
  const selectedCall = useApp((s) => s.selectedCall);
  if (!run || !cols) {
    return (
      <div className={`compare-side ${label}`} data-testid={`compare-${label}`}>
        <h3>{label}</h3>
        <p className="muted">starting…</p>
      </div>
    );
  }
  const c = countBySeverity(cols.anomalies);
  return (
    <div
      className={`compare-side ${label}`}
      data-testid={`compare-${label}`}
      data-run={run}
      data-status={cols.status ?? 'running'}
    >
      <h3 className="compare-title">
        {label}{' '}
        <span className="run-ref" title={run}>
          {run}
        </span>
      </h3>
      <p
        className="compare-counts"
        data-testid={`compare-${label}-counts`}
        data-errors={c.error}
        data-warnings={c.warning}
        data-infos={c.info}
      >
        <span className="badge sev-error">{countLabel(c.error, 'error')}</span>{' '}
        <span className="badge sev-warning">{countLabel(c.warning, 'warning')}</span>{' '}
        <span className="badge sev-info">{countLabel(c.info, 'info')}</span> ·{' '}
        {countLabel(cols.eventCount, 'event')}
      </p>
      <SwimlaneCanvas
        run={run}
        height={220}
        selectedCall={selectedCall}
        onAnomaly={(id) => focusAnomalyOf(run, id)}
        onLaneClick={(call) => selectInRun(run, call)}
      />
      <button type="button" onClick={() => void openCollectorRun(run)}>
        Open {label} run in the full view
      </button>
    </div>
  );
}

export function ScenarioCompare() {
  const compare = useApp((s) => s.compare);
  const scenario = useApp((s) => s.scenarios.find((x) => x.name === s.compare?.scenario));
  if (!compare) return null;
  return (
    <section className="panel compare" data-testid="compare">
      <header>
        <h2>
          {scenario?.title ?? compare.scenario} <span className="muted">seed {compare.seed}</span>
        </h2>
        <button type="button" onClick={closeCompare}>
          Close
        </button>
      </header>
      {scenario && <p className="explanation-text">{scenario.explanation}</p>}
      {scenario?.mirrors && <p className="muted">Mirrors: {scenario.mirrors}</p>}
      {compare.error && <p className="error-text">{compare.error}</p>}
      <div className="compare-grid">
        <Side run={compare.naive} label="naive" />
        <Side run={compare.causal} label="causal" />
      </div>
    </section>
  );
}
