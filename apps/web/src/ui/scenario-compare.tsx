// Causal executor mode: a teaching scenario run naive and causal side by side on the collector and
// watched live, with the pitfall's explanation, which anomalies fired in each run, and both
// mini-timelines on one time scale. It stays on screen until the user leaves it.
import { EXPLANATIONS } from '@causelane/analysis/explain';
import { useEffect, useState } from 'react';
import { alignCompareWindows, closeCompare, startCompare } from '../actions/compare-scenario.ts';
import { openCollectorRun } from '../actions/live-runs.ts';
import { focusAnomalyOf, selectInRun } from '../actions/selection.ts';
import { countBySeverity, countByType } from '../model/anomaly-filter.ts';
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

function Side({
  run,
  label,
  error,
}: {
  run: string | null;
  label: 'naive' | 'causal';
  error: string | null;
}) {
  const cols = useApp((s) => (run ? s.runs[run] : undefined));
  const selectedCall = useApp((s) => s.selectedCall);
  // Both sides show the same span (one time scale); tests and screen readers can read it here.
  const span = useApp((s) => {
    const w = run ? s.windows[run] : undefined;
    return w ? (w.end - w.start).toPrecision(6) : '';
  });
  if (!run || !cols) {
    return (
      <div className={`compare-side ${label}`} data-testid={`compare-${label}`}>
        <h3>{label}</h3>
        <p className={error ? 'error-text' : 'muted'}>
          {error ? 'Not started: see the message above.' : 'starting…'}
        </p>
      </div>
    );
  }
  const c = countBySeverity(cols.anomalies);
  const byType = [...countByType(cols.anomalies)];
  return (
    <div
      className={`compare-side ${label}`}
      data-testid={`compare-${label}`}
      data-run={run}
      data-status={cols.status ?? 'running'}
      data-window-span={span}
    >
      <h3 className="compare-title">
        {label}{' '}
        <span className="run-ref" title={run}>
          {run}
        </span>
        <span className="muted"> · {cols.status ?? 'running'}</span>
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
      <ul className="compare-fired" data-testid={`compare-${label}-fired`}>
        {byType.length === 0 ? (
          <li className="muted">{cols.status ? 'No anomaly fired.' : 'No anomaly so far.'}</li>
        ) : (
          byType.map(([type, n]) => (
            <li key={type} data-type={type}>
              {EXPLANATIONS[type].title} <code>{type}</code>
              {n > 1 ? ` ×${n}` : ''}
            </li>
          ))
        )}
      </ul>
      <SwimlaneCanvas
        run={run}
        height={220}
        selectedCall={selectedCall}
        onAnomaly={(id) => focusAnomalyOf(run, id)}
        onLaneClick={(call) => selectInRun(run, call)}
      />
      <button type="button" onClick={() => void openCollectorRun(run)} data-testid={`open-${label}`}>
        Open {label} run in the full view
      </button>
    </div>
  );
}

export function ScenarioCompare() {
  const compare = useApp((s) => s.compare);
  const scenario = useApp((s) => s.scenarios.find((x) => x.name === s.compare?.scenario));
  const naive = useApp((s) => (s.compare?.naive ? s.runs[s.compare.naive] : undefined));
  const causal = useApp((s) => (s.compare?.causal ? s.runs[s.compare.causal] : undefined));
  const mode = useApp((s) => s.mode);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-aligned whenever either run grows
  useEffect(() => alignCompareWindows(), [naive, causal, mode]);
  if (!compare) return null;
  return (
    <section className="panel compare" data-testid="compare">
      <header>
        <h2>
          {scenario?.title ?? compare.scenario} <span className="muted">seed {compare.seed}</span>
        </h2>
        <span className="muted">both timelines on one time scale</span>
        <button type="button" onClick={closeCompare}>
          Close
        </button>
      </header>
      {scenario && <p className="explanation-text">{scenario.explanation}</p>}
      {scenario?.mirrors && <p className="muted">Mirrors: {scenario.mirrors}</p>}
      {compare.error && (
        <p className="error-text" role="alert" data-testid="compare-error">
          {compare.error}
        </p>
      )}
      <div className="compare-grid">
        <Side run={compare.naive} label="naive" error={compare.error} />
        <Side run={compare.causal} label="causal" error={compare.error} />
      </div>
    </section>
  );
}
