// Happens-before diagram of the selected call's turn (after ShiViz): a column per process, events in
// layers down the page, the edges that must hold (a broken one red and dashed), and state edges
// between writers and readers of a key (the stale one orange). Labels sit in a gutter and a header
// where no line runs, and the drawing is scaled to fit the panel (layoutHb).
import { useCallback, useRef, useState } from 'react';
import { happensBeforeOf } from '../actions/trace-queries.ts';
import type { HbDiagram } from '../model/happens-before.ts';
import { HB_FONT, layoutHb } from '../model/happens-before-layout.ts';
import { useApp } from './use-app.ts';
import { useWorkerQuery, versionOf } from './use-worker-query.ts';

/** The box the diagram is fitted into when the panel has not been measured yet. */
const DEFAULT_BOX = { width: 618, height: 340 };

function edgeClass(e: HbDiagram['edges'][number]): string {
  if (e.kind === 'state') return e.state?.stale ? 'hb-edge state stale' : 'hb-edge state';
  return e.violation ? 'hb-edge bad' : `hb-edge ${e.kind}`;
}

function markerOf(e: HbDiagram['edges'][number]): string {
  if (e.kind === 'state') return e.state?.stale ? 'url(#hb-arrow-stale)' : 'url(#hb-arrow-state)';
  return e.violation ? 'url(#hb-arrow-bad)' : 'url(#hb-arrow)';
}

export function HappensBeforeView({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const call = useApp((s) => s.selectedCall);
  const selectedTurn = useApp((s) => s.selectedTurn);
  const anomalyTurn = useApp((s) =>
    s.selectedAnomaly === null ? null : (s.runs[run]?.anomalies[s.selectedAnomaly]?.turn ?? null),
  );
  const lane = cols && call ? cols.callId.indexOf(call) : -1;
  const turn = lane >= 0 ? cols!.callTurn[lane]! : (selectedTurn ?? anomalyTurn);
  const hb = useWorkerQuery<HbDiagram | null>(
    cols && turn !== null ? () => happensBeforeOf(run, turn) : null,
    `${run}|${turn}|${versionOf(cols)}`,
  );
  const [box, setBox] = useState(DEFAULT_BOX);
  const observer = useRef<ResizeObserver | null>(null);
  // The panel's width decides the fit; measured whenever the scroll box mounts or resizes.
  const scroller = useCallback((el: HTMLDivElement | null) => {
    observer.current?.disconnect();
    if (!el) return;
    observer.current = new ResizeObserver(() => {
      const w = Math.floor(el.clientWidth);
      if (w > 0) setBox((b) => (b.width === w ? b : { width: w, height: DEFAULT_BOX.height }));
    });
    observer.current.observe(el);
  }, []);
  if (turn === null || !hb) {
    return (
      <section className="panel hb-view" data-testid="hb-view">
        <h2>Happens-before</h2>
        <p className="empty">
          Select a call to see its turn's causal order: dispatch, end, commit, the next model request, and
          which call's write each read saw.
        </p>
      </section>
    );
  }
  const L = layoutHb(hb, box);
  const violations = hb.edges.filter((e) => e.violation);
  const stateEdges = hb.edges.filter((e) => e.kind === 'state' && !e.violation);
  return (
    <section className="panel hb-view" data-testid="hb-view">
      <h2>Happens-before · turn {hb.turn}</h2>
      {violations.length > 0 ? (
        <ul className="violations">
          {violations.map((e) => (
            <li key={`${e.from}>${e.to}>${e.kind}`} className={e.kind === 'state' ? 'stale' : undefined}>
              {e.violation}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Every result of this turn was resolved before the next model request.</p>
      )}
      {stateEdges.length > 0 && (
        <ul className="state-edges">
          {stateEdges.map((e) => (
            <li key={`${e.from}>${e.to}>${e.state?.key}`}>{e.state?.text}</li>
          ))}
        </ul>
      )}
      <div className="hb-scroll" ref={scroller}>
        <svg
          width={Math.round(L.width * L.scale)}
          height={Math.round(L.height * L.scale)}
          viewBox={`0 0 ${L.width} ${L.height}`}
          role="img"
          aria-label={`Happens-before diagram of turn ${hb.turn}`}
          data-testid="hb-svg"
          data-scale={L.scale.toFixed(3)}
          style={{ fontSize: HB_FONT }}
        >
          <defs>
            {[
              ['hb-arrow', 'hb-arrowhead'],
              ['hb-arrow-bad', 'hb-arrowhead bad'],
              ['hb-arrow-state', 'hb-arrowhead state'],
              ['hb-arrow-stale', 'hb-arrowhead stale'],
            ].map(([id, className]) => (
              <marker
                key={id}
                id={id}
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="6"
                markerHeight="6"
                orient="auto"
              >
                <path d="M0,0 L10,5 L0,10 z" className={className} />
              </marker>
            ))}
          </defs>
          {L.rowLabels.map((r) => (
            <text key={r.y} x={r.x} y={r.y} className="hb-row-label" data-testid="hb-row-label">
              {r.text}
            </text>
          ))}
          {hb.columns.map((c, i) => (
            <g key={c.call ?? 'agent'}>
              <text
                x={L.colLabels[i]!.x}
                y={L.colLabels[i]!.y}
                transform={`rotate(-40 ${L.colLabels[i]!.x} ${L.colLabels[i]!.y})`}
                className="hb-col-label"
              >
                <title>{c.label}</title>
                {L.colLabels[i]!.text}
              </text>
              <line x1={L.colX[i]} x2={L.colX[i]} y1={L.top - 4} y2={L.bottom} className="hb-process" />
            </g>
          ))}
          {hb.edges.map((e) => {
            const a = L.nodes.get(e.from);
            const b = L.nodes.get(e.to);
            if (!a || !b || a === b) return null;
            return (
              <line
                key={`${e.from}>${e.to}>${e.kind}`}
                x1={a.x}
                y1={a.y}
                x2={b.x}
                y2={b.y}
                className={edgeClass(e)}
                markerEnd={markerOf(e)}
                data-kind={e.kind}
                data-stale={e.state?.stale ? 'true' : undefined}
                data-key={e.state?.key}
              >
                <title>{e.violation ?? e.state?.text ?? e.kind}</title>
              </line>
            );
          })}
          {hb.nodes.map((n) => {
            const p = L.nodes.get(n.id)!;
            return (
              <circle
                key={n.id}
                cx={p.x}
                cy={p.y}
                r={5}
                className={`hb-node ${n.col === 0 ? 'agent' : 'call'}`}
              >
                <title>
                  {n.label} · seq {n.seq}
                </title>
              </circle>
            );
          })}
        </svg>
      </div>
    </section>
  );
}
