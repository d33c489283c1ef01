// The collector's runs, newest first, a page at a time: start, duration, status, agent and anomaly
// counts per run; search (on the collector), delete with confirmation, upload, and "load more".
// Refreshed live when any run changes.
import type { RunListItem } from '@causelane/trace-schema/protocol';
import { useEffect, useRef, useState } from 'react';
import { openCollectorRun } from '../actions/live-runs.ts';
import { loadMoreRuns, removeRun, setRunListQuery, uploadFile } from '../actions/run-list.ts';
import { countLabel } from '../model/count-label.ts';
import { formatDuration, formatWallClock } from '../model/time-format.ts';
import { useApp } from './use-app.ts';

function SeverityCounts({ counts }: { counts: RunListItem['anomalies'] }) {
  return (
    <span className="counts">
      {(['error', 'warning', 'info'] as const).map((sev) => (
        <span
          key={sev}
          className={`badge sev-${sev}${counts[sev] === 0 ? ' zero' : ''}`}
          title={countLabel(counts[sev], sev)}
          data-sev={sev}
        >
          {counts[sev]}
        </span>
      ))}
    </span>
  );
}

function RunRow({ r, active }: { r: RunListItem; active: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const status = r.status ?? 'no run.end yet';
  return (
    <li className="run-row">
      <button
        type="button"
        className={`run-item${active ? ' active' : ''}`}
        data-run={r.id}
        onClick={() => void openCollectorRun(r.id)}
      >
        <span className="run-id" title={r.id}>
          {r.id}
        </span>
        <span className="muted run-meta">
          <span data-field="agent">{r.agent ?? 'unnamed agent'}</span> ·{' '}
          <span data-field="status">{status}</span>
          {r.mode ? ` · ${r.mode}` : ''}
        </span>
        <span className="muted run-meta">
          <span data-field="start">
            {r.start === null ? 'no events' : formatWallClock(r.start).slice(0, 19)}
          </span>
          {r.start !== null && r.end !== null && (
            <>
              {' · '}
              <span data-field="duration">{formatDuration(r.end - r.start)}</span>
            </>
          )}
          {' · '}
          {countLabel(r.events, 'event')}
        </span>
        <SeverityCounts counts={r.anomalies} />
      </button>
      {confirming ? (
        <span className="confirm" role="alertdialog" aria-label={`Delete run ${r.id}?`}>
          Delete for good?{' '}
          <button
            type="button"
            className="danger"
            data-testid="confirm-delete"
            onClick={() => void removeRun(r.id)}
          >
            Delete
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="run-delete"
          aria-label={`Delete run ${r.id}`}
          title="Delete this run from the collector"
          onClick={() => setConfirming(true)}
        >
          ✕
        </button>
      )}
    </li>
  );
}

function UploadButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        onClick={() => input.current?.click()}
        data-testid="upload-run"
        title="Store a JSONL trace on the collector"
      >
        Upload…
      </button>
      <input
        ref={input}
        type="file"
        accept=".jsonl,.ndjson,.txt,application/x-ndjson"
        hidden
        data-testid="upload-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file)
            void uploadFile(file).then((runs) => {
              if (runs.length === 1) void openCollectorRun(runs[0]!);
            });
          e.target.value = '';
        }}
      />
    </>
  );
}

export function RunList() {
  const runs = useApp((s) => s.runList);
  const next = useApp((s) => s.runListNext);
  const query = useApp((s) => s.runListQuery);
  const collector = useApp((s) => s.collector);
  const active = useApp((s) => s.activeRun);
  const problem = useApp((s) => s.collectorError);
  const [text, setText] = useState(query);
  useEffect(() => {
    if (text === query) return;
    const timer = setTimeout(() => void setRunListQuery(text), 250);
    return () => clearTimeout(timer);
  }, [text, query]);
  if (collector === 'offline') {
    return (
      <section className="panel run-list" data-testid="run-list">
        <h2>Collector runs</h2>
        <p className="empty" data-testid="collector-problem">
          No collector reachable at {window.location.origin}
          {problem && !problem.includes('cannot be reached') ? `: ${problem}` : ''}. Start one with{' '}
          <code>pnpm causelane serve</code>, or open a trace file.
        </p>
      </section>
    );
  }
  return (
    <section className="panel run-list" data-testid="run-list">
      <header className="run-list-head">
        <h2>Collector runs</h2>
        <UploadButton />
      </header>
      <input
        type="search"
        placeholder="Search runs by id or agent"
        aria-label="Search runs"
        data-testid="run-search"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {runs.length === 0 ? (
        <p className="empty">
          {query
            ? `No run matches “${query}”.`
            : 'No runs yet. Run a scenario, upload a trace, or stream your own agent to this collector.'}
        </p>
      ) : (
        <ul>
          {runs.map((r) => (
            <RunRow key={r.id} r={r} active={r.id === active} />
          ))}
        </ul>
      )}
      {next && (
        <button
          type="button"
          className="load-more"
          data-testid="load-more-runs"
          onClick={() => void loadMoreRuns()}
        >
          Load more runs
        </button>
      )}
    </section>
  );
}
