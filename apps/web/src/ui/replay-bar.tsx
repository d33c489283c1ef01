// Replay controls: a playhead slider with play, pause, step and speed, and the trace as it stood at
// the playhead (calls in flight, committed state, anomalies known by then). The slider follows the
// playhead through a store subscription, not React renders.
import { useEffect, useRef, useState } from 'react';
import { pauseReplay, playReplay, setPlayhead, setSpeed, stepReplay, stopReplay } from '../actions/replay.ts';
import { replaySnapshotAt } from '../actions/trace-queries.ts';
import { countLabel } from '../model/count-label.ts';
import type { ReplaySnapshot } from '../model/replay-snapshot.ts';
import { EVENT_NAMES } from '../model/timeline-columns.ts';
import { readApp, subscribeApp, useApp } from './use-app.ts';

const SPEEDS = [0.25, 1, 4, 16, 100];

export function ReplayBar({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const playing = useApp((s) => s.playing);
  const active = useApp((s) => s.playhead !== null);
  const speed = useApp((s) => s.speed);
  const sliderRef = useRef<HTMLInputElement>(null);
  const labelRef = useRef<HTMLSpanElement>(null);
  const n = cols?.eventCount ?? 0;

  useEffect(() => {
    const show = () => {
      const s = readApp();
      const c = s.runs[run];
      if (!c || !sliderRef.current || !labelRef.current) return;
      const at = s.playhead ?? c.eventCount - 1;
      sliderRef.current.value = String(at);
      labelRef.current.textContent =
        s.playhead === null
          ? `whole trace · ${countLabel(c.eventCount, 'event')}`
          : `event ${at + 1}/${c.eventCount} · seq ${c.seq[at]} · ${EVENT_NAMES[c.type[at]!]}`;
    };
    show();
    return subscribeApp((s, p) => {
      if (s.playhead !== p.playhead || s.runs[run] !== p.runs[run]) show();
    });
  }, [run]);

  return (
    <div className="replay-bar" data-testid="replay-bar">
      <button type="button" onClick={() => stepReplay(-1)} aria-label="Step back" title="Step back one event">
        ◀ Step
      </button>
      {playing ? (
        <button type="button" onClick={pauseReplay} aria-label="Pause">
          Pause
        </button>
      ) : (
        <button type="button" onClick={playReplay} aria-label="Play" title="Replay the run">
          ▶ Play
        </button>
      )}
      <button
        type="button"
        onClick={() => stepReplay(1)}
        aria-label="Step forward"
        title="Step forward one event"
      >
        Step ▶
      </button>
      <select aria-label="Replay speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
        {SPEEDS.map((v) => (
          <option key={v} value={v}>
            {v}×
          </option>
        ))}
      </select>
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
      {active && (
        <button type="button" onClick={stopReplay} title="Show the whole trace again">
          Exit replay
        </button>
      )}
    </div>
  );
}

/** The trace as it stood at the playhead. */
export function ReplayState({ run }: { run: string }) {
  const [snap, setSnap] = useState<ReplaySnapshot | null>(null);
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
  const anomalies = useApp((s) => s.runs[run]?.anomalies);
  if (!snap) return null;
  const known = new Set(snap.anomalyIds);
  return (
    <section className="panel replay-state" data-testid="replay-state">
      <h2>
        At seq {snap.seq} · turn {snap.turn}
      </h2>
      <h3>In flight ({snap.inFlight.length})</h3>
      <ul data-testid="replay-inflight">
        {snap.inFlight.map((c) => (
          <li key={c.call}>
            {c.name} ({c.call}) · turn {c.turn} · {c.phase}
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
        {(anomalies ?? [])
          .filter((a) => known.has(a.id))
          .map((a) => (
            <li key={a.id} className={`sev-${a.severity}`}>
              {a.type} · turn {a.turn}
              {a.call ? ` · ${a.call}` : ''}
            </li>
          ))}
      </ul>
    </section>
  );
}
