// The selected turn (a turn-level anomaly such as commit order selects it): its request and
// response, and its calls' commits in the order they happened, each one a link to the call.
import { selectCall } from '../actions/selection.ts';
import { formatOffset } from '../model/time-format.ts';
import { CALL_SYNTHETIC } from '../model/timeline-columns.ts';
import { useApp } from './use-app.ts';

export function TurnInspector({ run }: { run: string }) {
  const cols = useApp((s) => s.runs[run]);
  const turn = useApp((s) => s.selectedTurn);
  if (!cols || turn === null) return null;
  const ti = cols.turnNumber.indexOf(turn);
  if (ti < 0) return null;
  const t0 = cols.t[0] ?? 0;
  const first = cols.turnFirstCall[ti]!;
  const lanes = Array.from({ length: cols.turnCallCount[ti]! }, (_, k) => first + k);
  const committed = lanes
    .filter((c) => cols.callCommit[c]! >= 0)
    .sort((a, b) => cols.callCommit[a]! - cols.callCommit[b]!);
  const at = (ev: number) => (ev >= 0 ? `seq ${cols.seq[ev]} · ${formatOffset(cols.t[ev]! - t0)}` : 'none');
  return (
    <section className="panel inspector turn-inspector" aria-label="Turn" data-testid="turn-inspector">
      <h2>Turn {turn}</h2>
      <dl className="facts">
        <dt>request</dt>
        <dd>{at(cols.turnRequest[ti]!)}</dd>
        <dt>response</dt>
        <dd>{at(cols.turnResponse[ti]!)}</dd>
        <dt>calls</dt>
        <dd>{lanes.length}</dd>
      </dl>
      <h3>Commits, in the order they happened</h3>
      {committed.length === 0 ? (
        <p className="muted">No call of this turn was committed.</p>
      ) : (
        <ol data-testid="turn-commits">
          {committed.map((c) => (
            <li key={c}>
              <button type="button" className="link" onClick={() => selectCall(cols.callId[c]!)}>
                {cols.callName[c]} ({cols.callId[c]})
              </button>{' '}
              <span className="muted">
                #{cols.callIndex[c]} · {at(cols.callCommit[c]!)}
                {cols.callFlags[c]! & CALL_SYNTHETIC ? ' · synthetic' : ''}
              </span>
            </li>
          ))}
        </ol>
      )}
      <p className="muted">Listed order: {lanes.map((c) => cols.callName[c]).join(', ')}</p>
    </section>
  );
}
