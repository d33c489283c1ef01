// The anomaly list of the active run: filter by type and severity, arrow keys to move, Enter or click
// to zoom the timeline to the proof and select the call. The selected one shows what, why and fix.
// Narrow subpaths: the package root would pull the analyzer and TypeBox into the main bundle.
import { ANOMALY_TYPES, type AnomalyType, SEVERITIES, type Severity } from '@causelane/analysis/anomaly';
import { EXPLANATIONS } from '@causelane/analysis/explain';
import { useMemo, useRef } from 'react';
import { focusAnomaly } from '../actions/selection.ts';
import { setFilter } from '../actions/view.ts';
import { countBySeverity, countByType, filterAnomalies } from '../model/anomaly-filter.ts';
import type { PlacedAnomaly } from '../model/timeline-columns.ts';
import { useApp } from './use-app.ts';

const LIST_CAP = 500;

function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

export function AnomalyPanel({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const filter = useApp((s) => s.filter);
  const selected = useApp((s) => s.selectedAnomaly);
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
              aria-pressed={!filter.hiddenSeverities.includes(sev)}
              onClick={() => setFilter({ ...filter, hiddenSeverities: toggle(filter.hiddenSeverities, sev) })}
            >
              {sev} {bySeverity[sev]}
            </button>
          ))}
          {typesPresent.map((t: AnomalyType) => (
            <button
              key={t}
              type="button"
              className="chip"
              aria-pressed={!filter.hiddenTypes.includes(t)}
              onClick={() => setFilter({ ...filter, hiddenTypes: toggle(filter.hiddenTypes, t) })}
            >
              {t} {byType.get(t)}
            </button>
          ))}
        </fieldset>
      )}
      {all.length === 0 ? (
        <p className="empty">
          No anomalies in this run. A run the causal executor ran correctly looks like this; try a scenario in
          naive mode to see what goes wrong without it.
        </p>
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
          <span className="anomaly-type">{a.type}</span>
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
      <p className="proof">Proof: events seq {a.seqs.join(', ')}</p>
    </div>
  );
}
