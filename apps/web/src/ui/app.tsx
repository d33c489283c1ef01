// Page layout: toolbar (open, run picker, search, turn, live, x axis, theme), run list and scenarios
// on the left, the timeline in the middle, anomalies and inspector on the right, happens-before and
// replay state below. Page-wide shortcuts are in use-global-keys.ts.
import { useCallback, useEffect, useState } from 'react';
import { setFollowLive } from '../actions/live-runs.ts';
import { dismissNotice, refreshRunList } from '../actions/run-list.ts';
import { focusAnomalyOf, selectInRun } from '../actions/selection.ts';
import { setMode, toggleTheme } from '../actions/view.ts';
import { runPhase } from '../model/run-status.ts';
import { AnomalyPanel } from './anomaly-panel.tsx';
import { EmptyState } from './empty-state.tsx';
import { EvidenceNotes } from './evidence-notes.tsx';
import { ExportMenu } from './export-menu.tsx';
import { HappensBeforeView } from './happens-before-view.tsx';
import { Inspector } from './inspector.tsx';
import { Minimap } from './minimap.tsx';
import { MissingFileView } from './missing-file.tsx';
import { DropZone, LoadStatus, OpenFileButton } from './open-trace.tsx';
import { ReplayBar, ReplayState } from './replay-bar.tsx';
import { RunList } from './run-list.tsx';
import { RunPicker } from './run-picker.tsx';
import { ScenarioCompare, ScenarioPicker } from './scenario-compare.tsx';
import { SearchBox, TurnJump } from './search-box.tsx';
import { SwimlaneCanvas } from './swimlane-canvas.tsx';
import { TimeAxis } from './time-axis.tsx';
import { TurnInspector } from './turn-inspector.tsx';
import { useApp } from './use-app.ts';
import { useGlobalKeys } from './use-global-keys.ts';

/** Re-renders every few seconds, so "live" turns into "open" when the batches stop. */
function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

function RunBadge() {
  const now = useNow(5000);
  const phase = useApp((s) => {
    const run = s.activeRun;
    const cols = run ? s.runs[run] : undefined;
    if (!run || !cols || !s.liveRuns.includes(run)) return null;
    return runPhase(cols.status, s.liveSeenAt[run], now);
  });
  if (phase === 'live')
    return (
      <span className="badge live" data-testid="live-badge" title="Events are still arriving">
        live
      </span>
    );
  if (phase === 'open')
    return (
      <span className="badge open" data-testid="open-badge" title="No run.end yet, and no events lately">
        no run.end
      </span>
    );
  return null;
}

function CollectorStatus() {
  const collector = useApp((s) => s.collector);
  const follow = useApp((s) => s.followLive);
  if (collector === 'unknown') return null;
  if (collector === 'offline')
    return (
      <button
        type="button"
        className="badge offline"
        data-testid="collector-offline"
        title={`The collector at ${window.location.origin} cannot be reached. Click to retry.`}
        onClick={() => void refreshRunList()}
      >
        collector offline
      </button>
    );
  return (
    <label className="follow-live" title="Open new runs as they start and keep the view on the newest events">
      <input
        type="checkbox"
        checked={follow}
        data-testid="follow-live"
        onChange={(e) => setFollowLive(e.target.checked)}
      />{' '}
      Follow live
    </label>
  );
}

function Toolbar() {
  const active = useApp((s) => s.activeRun);
  const mode = useApp((s) => s.mode);
  const theme = useApp((s) => s.theme);
  const source = useApp((s) => s.sourceName);
  const compare = useApp((s) => s.compare !== null);
  const loaded = useApp((s) => (s.activeRun ? s.runs[s.activeRun] !== undefined : false));
  return (
    <header className="toolbar">
      <strong className="brand">Causelane</strong>
      <OpenFileButton />
      {source && !compare && active && (
        <span className="muted source" title={source}>
          {source}
        </span>
      )}
      <RunPicker />
      {!compare && <RunBadge />}
      {active && loaded && !compare && <ExportMenu key={active} run={active} />}
      {active && loaded && !compare && <SearchBox />}
      {active && loaded && !compare && <TurnJump />}
      <div className="spacer" />
      <CollectorStatus />
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

function Notice() {
  const notice = useApp((s) => s.notice);
  if (!notice) return null;
  return (
    <div
      className={`notice ${notice.kind}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid="notice"
    >
      <span>{notice.text}</span>
      <button type="button" onClick={dismissNotice} aria-label="Dismiss">
        ✕
      </button>
    </div>
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
      <span className="muted">
        wheel/W S zoom · drag/A D pan · 0 or double-click: whole run · Space play · ←/→ step · Shift+←/→
        anomaly · / search · Esc clear
      </span>
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

function SideInspector({ run }: { run: string }) {
  const turnOnly = useApp((s) => s.selectedTurn !== null && s.selectedCall === null);
  return turnOnly ? <TurnInspector run={run} /> : <Inspector run={run} />;
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
        <EvidenceNotes run={run} />
        <AnomalyPanel run={run} />
        <SideInspector run={run} />
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
  const missing = useApp((s) => s.missingFile !== null);
  const theme = useApp((s) => s.theme);
  useGlobalKeys();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const empty = !compare && !hasRun && !missing;
  return (
    <div className="app">
      <Toolbar />
      <LoadStatus />
      <Notice />
      <div className="main">
        <nav className="left">
          {!empty && <ScenarioPicker />}
          <RunList />
        </nav>
        <main className="center">
          {compare && <ScenarioCompare />}
          {!compare && active && hasRun && <RunView key={active} run={active} />}
          {!compare && !hasRun && missing && <MissingFileView />}
          {empty && <EmptyState />}
        </main>
      </div>
      <DropZone />
    </div>
  );
}
