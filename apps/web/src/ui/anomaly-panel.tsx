// The anomaly list of the active run: chips that include a type or severity (DevTools' level
// checkboxes), arrow keys to move, Enter or click to zoom to the proof and select the call (or the
// turn). Each row shows the type's full title, the code second. "All clean" only for ended runs.
// Narrow subpaths: the package root would pull the analyzer and TypeBox into the main bundle.
import { ANOMALY_TYPES, type AnomalyType, SEVERITIES, type Severity } from '@causelane/analysis/anomaly';
import { EXPLANATIONS } from '@causelane/analysis/explain';
import { useMemo, useRef } from 'react';
import { focusAnomaly } from '../actions/selection.ts';
import { setFilter } from '../actions/view.ts';
import {
  countBySeverity,
  countByType,
  filterAnomalies,
  isFiltering,
  toggleChip,
} from '../model/anomaly-filter.ts';
import { runPhase } from '../model/run-status.ts';
import type { PlacedAnomaly } from '../model/timeline-columns.ts';
import { ProofSeqs } from './proof-seqs.tsx';
import { useApp } from './use-app.ts';

const LIST_CAP = 500;

export function AnomalyPanel({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const filter = useApp((s) => s.filter);
  const selected = useApp((s) => s.selectedAnomaly);
  const liveSeenAt = useApp((s) => s.liveSeenAt[run]);
  const listRef = useRef<HTMLDivElement>(null);
  const all = cols?.anomalies ?? [];
  const shown = useMemo(() => filterAnomalies(all, filter), [all, filter]);
  const bySeverity = useMemo(() => countBySeverity(all), [all]);
  const byType = useMemo(() => countByType(all), [all]);
  const current = all.find((a) => a.id === selected) ?? null;

  const move = (delta: number) => {
    if (shown.length === 0) return;
    const i = shown.findIndex((a) => a.id === selected);
    const next = shown[Math.max(0, Math.min(Math.min(shown.length, LIST_CAP) - 1, i < 0 ? 0 : i + delta))]!;
    focusAnomaly(next);
    const el = listRef.current?.querySelector<HTMLElement>(`[data-anomaly-id="${next.id}"]`);
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'j') move(1);
    else if (e.key === 'ArrowUp' || e.key === 'k') move(-1);
    else if (e.key === 'Home') move(-LIST_CAP);
    else if (e.key === 'End') move(LIST_CAP);
    else if (e.key === 'Enter' && current) focusAnomaly(current);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const typesPresent = ANOMALY_TYPES.filter((t) => byType.has(t));

  return (
    <section className="panel anomaly-panel" aria-label="Anomalies" data-testid="anomaly-panel">
      <header>
        <h2>Anomalies</h2>
        <span className="count" data-testid="anomaly-count">
          {all.length === 0 ? 'none' : `${shown.length} of ${all.length}`}
        </span>
      </header>
      {all.length > 0 && (
        <fieldset className="filters" aria-label="Filter anomalies">
          {SEVERITIES.map((sev: Severity) => (
            <button
              key={sev}
              type="button"
              className={`chip sev-${sev}`}
              aria-pressed={filter.severities.includes(sev)}
              disabled={bySeverity[sev] === 0}
              title={`Show only ${sev}s (click again to show all)`}
              onClick={() => setFilter(toggleChip(filter, { severity: sev }))}
            >
              {sev} {bySeverity[sev]}
            </button>
          ))}
          {typesPresent.map((t: AnomalyType) => (
            <button
              key={t}
              type="button"
              className="chip"
              aria-pressed={filter.types.includes(t)}
              title={`Show only ${EXPLANATIONS[t].title} (${t})`}
              onClick={() => setFilter(toggleChip(filter, { type: t }))}
            >
              {EXPLANATIONS[t].title} {byType.get(t)}
            </button>
          ))}
          {isFiltering(filter) && (
            <button
              type="button"
              className="chip clear"
              onClick={() => setFilter({ types: [], severities: [] })}
            >
              show all
            </button>
          )}
        </fieldset>
      )}
      {all.length === 0 ? (
        <NoAnomalies phase={cols ? runPhase(cols.status, liveSeenAt, Date.now()) : 'open'} />
      ) : (
        // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between the buttons inside
        <div
          ref={listRef}
          className="anomaly-list"
          title="Arrow keys move through the list; Enter zooms to the selected anomaly"
          onKeyDown={onKey}
          data-testid="anomaly-list"
        >
          <ul>
            {shown.slice(0, LIST_CAP).map((a) => (
              <AnomalyRow key={a.id} a={a} selected={a.id === selected} />
            ))}
            {shown.length > LIST_CAP && (
              <li className="more">{shown.length - LIST_CAP} more: filter to narrow the list</li>
            )}
          </ul>
        </div>
      )}
      {current && <AnomalyExplanation a={current} />}
    </section>
  );
}

function AnomalyRow({ a, selected }: { a: PlacedAnomaly; selected: boolean }) {
  return (
    <li>
      <button
        type="button"
        aria-current={selected}
        className={`anomaly sev-${a.severity}${selected ? ' selected' : ''}`}
        data-anomaly-id={a.id}
        data-type={a.type}
        data-severity={a.severity}
        onClick={() => focusAnomaly(a)}
      >
        <span className="anomaly-head">
          <span className={`badge sev-${a.severity}`}>{a.severity}</span>
          <span className="anomaly-type">{EXPLANATIONS[a.type].title}</span>
          <code className="anomaly-code">{a.type}</code>
          <span className="where" title={a.call === null ? `turn ${a.turn}` : `turn ${a.turn} · ${a.call}`}>
            turn {a.turn}
            {a.call !== null && <> · {a.call}</>}
          </span>
        </span>
        <span className="message">{a.message}</span>
      </button>
    </li>
  );
}

/** What an empty list means depends on whether the run is over: never call an unfinished run clean. */
function NoAnomalies({ phase }: { phase: 'live' | 'open' | 'ended' }) {
  if (phase === 'ended')
    return (
      <p className="empty" data-testid="no-anomalies" data-phase={phase}>
        No anomalies in this run. A run the causal executor ran correctly looks like this; try a scenario in
        naive mode to see what goes wrong without it.
      </p>
    );
  return (
    <p className="empty" data-testid="no-anomalies" data-phase={phase}>
      No anomalies so far.{' '}
      {phase === 'live'
        ? 'The run is still in progress: more events may still prove one.'
        : 'The trace has no run.end, so the run may not have finished; Causelane can only speak for the events it has.'}
    </p>
  );
}

function AnomalyExplanation({ a }: { a: PlacedAnomaly }) {
  const e = EXPLANATIONS[a.type];
  return (
    <div className="explanation" data-testid="anomaly-explanation">
      <h3>{e.title}</h3>
      <p>
        <strong>What happened: </strong>
        {e.what}
      </p>
      <p>
        <strong>Why it matters: </strong>
        {e.why}
      </p>
      <p>
        <strong>How to fix it: </strong>
        {e.fix}
      </p>
      <ProofSeqs a={a} />
    </div>
  );
}
