// Happens-before diagram of the selected call's turn (after ShiViz): a column per process, events
// down the page in seq order, and the edges that must hold; a broken one is drawn red and dashed.
import { happensBeforeOf } from '../actions/trace-queries.ts';
import type { HbDiagram } from '../model/happens-before.ts';
import { useApp } from './use-app.ts';
import { useWorkerQuery, versionOf } from './use-worker-query.ts';

const COL_W = 130;
const ROW_H = 26;
const TOP = 34;
const LABEL_ROOM = 90;

export function HappensBeforeView({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const call = useApp((s) => s.selectedCall);
  const anomalyTurn = useApp((s) =>
    s.selectedAnomaly === null ? null : (s.runs[run]?.anomalies[s.selectedAnomaly]?.turn ?? null),
  );
  const lane = cols && call ? cols.callId.indexOf(call) : -1;
  const turn = lane >= 0 ? cols!.callTurn[lane]! : anomalyTurn;
  const hb = useWorkerQuery<HbDiagram | null>(
    cols && turn !== null ? () => happensBeforeOf(run, turn) : null,
    `${run}|${turn}|${versionOf(cols)}`,
  );
  if (turn === null || !hb) {
    return (
      <section className="panel hb-view" data-testid="hb-view">
        <h2>Happens-before</h2>
        <p className="empty">
          Select a call to see its turn's causal order: dispatch, end, commit, and the next model request.
        </p>
      </section>
    );
  }
  const byId = new Map(hb.nodes.map((n) => [n.id, n]));
  const rows = Math.max(1, ...hb.nodes.map((n) => n.row + 1));
  // Node labels start right of the last column's line: leave room so they are not clipped.
  const width = hb.columns.length * COL_W + 20 + LABEL_ROOM;
  const height = TOP + rows * ROW_H + 10;
  const cx = (col: number) => 10 + col * COL_W + COL_W / 2;
  const cy = (row: number) => TOP + row * ROW_H + ROW_H / 2;
  const violations = hb.edges.filter((e) => e.violation);
  return (
    <section className="panel hb-view" data-testid="hb-view">
      <h2>Happens-before · turn {hb.turn}</h2>
      {violations.length > 0 ? (
        <ul className="violations">
          {violations.map((e) => (
            <li key={`${e.from}>${e.to}`}>{e.violation}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">Every result of this turn was resolved before the next model request.</p>
      )}
      <div className="hb-scroll">
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`Happens-before diagram of turn ${hb.turn}`}
        >
          <defs>
            {[
              ['hb-arrow', 'hb-arrowhead'],
              ['hb-arrow-bad', 'hb-arrowhead bad'],
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
          {hb.columns.map((c, i) => (
            <g key={c.call ?? 'agent'}>
              <text x={cx(i)} y={16} textAnchor="middle" className="hb-col-label">
                {c.label.length > 20 ? `${c.label.slice(0, 19)}…` : c.label}
              </text>
              <line x1={cx(i)} x2={cx(i)} y1={TOP - 6} y2={height - 4} className="hb-process" />
            </g>
          ))}
          {hb.edges.map((e) => {
            const a = byId.get(e.from);
            const b = byId.get(e.to);
            if (!a || !b || a === b) return null;
            return (
              <line
                key={`${e.from}>${e.to}`}
                x1={cx(a.col)}
                y1={cy(a.row)}
                x2={cx(b.col)}
                y2={cy(b.row)}
                className={e.violation ? 'hb-edge bad' : `hb-edge ${e.kind}`}
                markerEnd={e.violation ? 'url(#hb-arrow-bad)' : 'url(#hb-arrow)'}
              >
                <title>{e.violation ?? e.kind}</title>
              </line>
            );
          })}
          {hb.nodes.map((n) => (
            <g key={n.id}>
              <circle
                cx={cx(n.col)}
                cy={cy(n.row)}
                r={5}
                className={`hb-node ${n.col === 0 ? 'agent' : 'call'}`}
              />
              <text x={cx(n.col) + 8} y={cy(n.row) - 6} className="hb-node-label">
                {n.label} · {n.seq}
              </text>
            </g>
          ))}
        </svg>
      </div>
    </section>
  );
}
