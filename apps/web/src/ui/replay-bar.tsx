// Replay controls: a playhead slider with play, pause, step and speed (a multiple of real time; by
// default the whole trace plays in about ten seconds), and the trace as it stood at the playhead.
// Calls in flight come from the same columns the canvas draws; state and anomalies from the worker.
// The slider follows the playhead through a store subscription, not React renders.
import { EXPLANATIONS } from '@causelane/analysis/explain';
import { useEffect, useRef, useState } from 'react';
import {
  autoSpeed,
  pauseReplay,
  playReplay,
  setPlayhead,
  setSpeed,
  stepReplay,
  stopReplay,
} from '../actions/replay.ts';
import { replaySnapshotAt } from '../actions/trace-queries.ts';
import { countLabel } from '../model/count-label.ts';
import { callsInFlight, type ReplaySnapshot } from '../model/replay-snapshot.ts';
import { formatOffset } from '../model/time-format.ts';
import { EVENT_NAMES } from '../model/timeline-columns.ts';
import { readApp, subscribeApp, useApp } from './use-app.ts';

const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 100, 1000];

/** "12×", "0.25×", "0.0059×", "1,200×". */
export function formatSpeed(x: number): string {
  if (!(x > 0)) return '–';
  const v = x >= 10 ? Math.round(x) : x >= 1 ? Number(x.toFixed(1)) : Number(x.toPrecision(2));
  return `${v.toLocaleString('en', { maximumSignificantDigits: 21 })}×`;
}

export function ReplayBar({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const playing = useApp((s) => s.playing);
  const active = useApp((s) => s.playhead !== null);
  const speed = useApp((s) => s.speed);
  const sliderRef = useRef<HTMLInputElement>(null);
  const labelRef = useRef<HTMLSpanElement>(null);
  const n = cols?.eventCount ?? 0;
  const auto = cols ? autoSpeed(cols) : 0;

  useEffect(() => {
    const show = () => {
      const s = readApp();
      const c = s.runs[run];
      if (!c || !sliderRef.current || !labelRef.current) return;
      const at = s.playhead ?? c.eventCount - 1;
      sliderRef.current.value = String(at);
      labelRef.current.textContent =
        s.playhead === null || at < 0
          ? `whole trace · ${countLabel(c.eventCount, 'event')}`
          : `event ${at + 1}/${c.eventCount} · seq ${c.seq[at]} · ${EVENT_NAMES[c.type[at]!]} · ${formatOffset(c.t[at]! - c.t[0]!)}`;
      labelRef.current.title = labelRef.current.textContent;
    };
    show();
    return subscribeApp((s, p) => {
      if (s.playhead !== p.playhead || s.runs[run] !== p.runs[run]) show();
    });
  }, [run]);

  return (
    <div className="replay-bar" data-testid="replay-bar">
      <div className="replay-controls">
        <button
          type="button"
          onClick={() => stepReplay(-1)}
          aria-label="Step back"
          title="Step back one event (←; Shift+← previous anomaly)"
        >
          ◀ Step
        </button>
        {playing ? (
          <button type="button" onClick={pauseReplay} aria-label="Pause" title="Pause (Space)">
            Pause
          </button>
        ) : (
          <button type="button" onClick={playReplay} aria-label="Play" title="Replay the run (Space)">
            ▶ Play
          </button>
        )}
        <button
          type="button"
          onClick={() => stepReplay(1)}
          aria-label="Step forward"
          title="Step forward one event (→; Shift+→ next anomaly)"
        >
          Step ▶
        </button>
        <select
          aria-label="Replay speed"
          data-testid="replay-speed"
          title="Speed as a multiple of real time"
          value={speed === null ? 'auto' : String(speed)}
          onChange={(e) => setSpeed(e.target.value === 'auto' ? null : Number(e.target.value))}
        >
          <option value="auto">
            {auto > 0 ? `${formatSpeed(auto)} real time (10 s)` : 'whole trace in 10 s'}
          </option>
          {SPEEDS.map((v) => (
            <option key={v} value={v}>
              {formatSpeed(v)} real time
            </option>
          ))}
        </select>
        {active && (
          <button type="button" onClick={stopReplay} title="Show the whole trace again">
            Exit replay
          </button>
        )}
      </div>
      <input
        ref={sliderRef}
        type="range"
        min={0}
        max={Math.max(0, n - 1)}
        defaultValue={Math.max(0, n - 1)}
        aria-label="Playhead"
        data-testid="playhead"
        onChange={(e) => {
          pauseReplay();
          setPlayhead(Number(e.target.value));
        }}
      />
      <span ref={labelRef} className="replay-label" data-testid="replay-label" />
    </div>
  );
}

/** The trace as it stood at the playhead. */
export function ReplayState({ run }: { run: string }) {
  const [snap, setSnap] = useState<ReplaySnapshot | null>(null);
  const playhead = useApp((s) => s.playhead);
  const cols = useApp((s) => s.runs[run]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let asked = -2;
    const ask = () => {
      timer = null;
      const s = readApp();
      const at = s.playhead;
      if (at === null || !s.runs[run]) {
        setSnap(null);
        asked = -2;
        return;
      }
      if (at === asked) return;
      asked = at;
      replaySnapshotAt(run, at).then(
        (v) => {
          if (readApp().playhead !== null) setSnap(v);
        },
        () => setSnap(null),
      );
    };
    ask();
    return subscribeApp((s, p) => {
      if (s.playhead === p.playhead && s.runs[run] === p.runs[run]) return;
      // Scrubbing fires per frame; the worker is asked at most every 80 ms.
      if (!timer) timer = setTimeout(ask, 80);
    });
  }, [run]);
  if (!snap || playhead === null || !cols) return null;
  // From the columns, at the playhead itself: exactly what the canvas draws at this moment.
  const inFlight = callsInFlight(cols, Math.min(playhead, cols.eventCount - 1));
  const known = new Set(snap.anomalyIds);
  return (
    <section className="panel replay-state" data-testid="replay-state">
      <h2>
        At seq {cols.seq[Math.min(playhead, cols.eventCount - 1)]} · turn {snap.turn}
      </h2>
      <h3>In flight ({inFlight.length})</h3>
      <ul data-testid="replay-inflight">
        {inFlight.map((c) => (
          <li key={`${c.turn}:${c.call}`}>
            {c.name} ({c.call}) · turn {c.turn} · {c.phase}
            {c.timedOut ? ' · timed out, still running' : ''}
          </li>
        ))}
      </ul>
      <h3>Committed state ({snap.state.length})</h3>
      <ul data-testid="replay-state-keys">
        {snap.state.map((k) => (
          <li key={k.key}>
            {k.key} = v{k.version} {k.call ? `by ${k.call}` : '(state.write)'}
          </li>
        ))}
      </ul>
      <h3>Anomalies known by then ({known.size})</h3>
      <ul data-testid="replay-anomalies">
        {cols.anomalies
          .filter((a) => known.has(a.id))
          .map((a) => (
            <li key={a.id} className={`sev-${a.severity}`}>
              {EXPLANATIONS[a.type].title} <code>{a.type}</code> · turn {a.turn}
              {a.call ? ` · ${a.call}` : ''}
            </li>
          ))}
      </ul>
    </section>
  );
}
