// Page layout: toolbar, run list and scenarios on the left, the timeline in the middle, anomalies
// and inspector on the right, happens-before and replay state below.
import { useCallback, useEffect } from 'react';
import { activateRun, focusAnomalyOf, selectInRun } from '../actions/selection.ts';
import { setMode, toggleTheme } from '../actions/view.ts';
import { AnomalyPanel } from './anomaly-panel.tsx';
import { EmptyState } from './empty-state.tsx';
import { ExportMenu } from './export-menu.tsx';
import { HappensBeforeView } from './happens-before-view.tsx';
import { Inspector } from './inspector.tsx';
import { Minimap } from './minimap.tsx';
import { DropZone, LoadStatus, OpenFileButton } from './open-trace.tsx';
import { ReplayBar, ReplayState } from './replay-bar.tsx';
import { RunList } from './run-list.tsx';
import { ScenarioCompare, ScenarioPicker } from './scenario-compare.tsx';
import { SwimlaneCanvas } from './swimlane-canvas.tsx';
import { TimeAxis } from './time-axis.tsx';
import { useApp } from './use-app.ts';

function Toolbar() {
  const runOrder = useApp((s) => s.runOrder);
  const active = useApp((s) => s.activeRun);
  const mode = useApp((s) => s.mode);
  const theme = useApp((s) => s.theme);
  const source = useApp((s) => s.sourceName);
  const live = useApp((s) => (s.activeRun ? s.liveRuns.includes(s.activeRun) : false));
  const loaded = useApp((s) => (s.activeRun ? s.runs[s.activeRun] !== undefined : false));
  return (
    <header className="toolbar">
      <strong className="brand">Causelane</strong>
      <OpenFileButton />
      {source && (
        <span className="muted source" title={source}>
          {source}
        </span>
      )}
      {runOrder.length > 1 && (
        <label>
          Run{' '}
          <select value={active ?? ''} onChange={(e) => activateRun(e.target.value)} data-testid="run-select">
            {runOrder.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      )}
      {live && <span className="badge live">live</span>}
      {active && loaded && <ExportMenu key={active} run={active} />}
      <div className="spacer" />
      <fieldset className="segmented" aria-label="X axis">
        <button type="button" aria-pressed={mode === 'time'} onClick={() => setMode('time')}>
          wall clock
        </button>
        <button
          type="button"
          aria-pressed={mode === 'seq'}
          onClick={() => setMode('seq')}
          data-testid="mode-seq"
        >
          seq order
        </button>
      </fieldset>
      <button type="button" onClick={toggleTheme} data-testid="theme-toggle">
        {theme === 'dark' ? 'Light theme' : 'Dark theme'}
      </button>
    </header>
  );
}

function Legend() {
  return (
    <div className="legend">
      <span className="lg bar-ok">call running → ended</span>
      <span className="lg bar-open">no result yet</span>
      <span className="lg bar-failed">error</span>
      <span className="lg mk-commit">◆ commit</span>
      <span className="lg mk-synthetic">◆ synthetic commit</span>
      <span className="lg mk-timeout">✕ timeout</span>
      <span className="lg mk-orphan">● orphan</span>
      <span className="lg rule">┆ llm.request of a turn</span>
      <span className="lg flag">▼ anomaly (colour = severity)</span>
      <span className="muted">wheel/W S zoom · drag/A D pan · shift+wheel scroll lanes</span>
    </div>
  );
}

/** The run's main timeline; it alone re-renders when the selection changes. */
function MainTimeline({ run }: { run: string }) {
  const selectedCall = useApp((s) => s.selectedCall);
  const onAnomaly = useCallback((id: number) => focusAnomalyOf(run, id), [run]);
  const onLaneClick = useCallback((call: string | null) => selectInRun(run, call), [run]);
  return (
    <SwimlaneCanvas
      run={run}
      main
      selectedCall={selectedCall}
      onAnomaly={onAnomaly}
      onLaneClick={onLaneClick}
    />
  );
}

function RunView({ run }: { run: string }) {
  return (
    <div className="run-view">
      <div className="timeline">
        <TimeAxis run={run} />
        <MainTimeline run={run} />
        <Minimap run={run} />
        <ReplayBar run={run} />
        <Legend />
      </div>
      <aside className="side">
        <AnomalyPanel run={run} />
        <Inspector run={run} />
      </aside>
      <div className="bottom">
        <HappensBeforeView run={run} />
        <ReplayState run={run} />
      </div>
    </div>
  );
}

export function App() {
  const active = useApp((s) => s.activeRun);
  const hasRun = useApp((s) => (s.activeRun ? s.runs[s.activeRun] !== undefined : false));
  const compare = useApp((s) => s.compare !== null);
  const theme = useApp((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <div className="app">
      <Toolbar />
      <LoadStatus />
      <div className="main">
        <nav className="left">
          <ScenarioPicker />
          <RunList />
        </nav>
        <main className="center">
          {compare && <ScenarioCompare />}
          {!compare && active && hasRun && <RunView key={active} run={active} />}
          {!compare && !hasRun && <EmptyState />}
        </main>
      </div>
      <DropZone />
    </div>
  );
}
