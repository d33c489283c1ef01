// The "Proof: events seq 5, 7, 9" line of an anomaly, each seq a button that selects and centres
// its event on the timeline (the anomaly stays selected, so its arrows stay drawn).
import { focusEvent } from '../actions/navigate.ts';
import type { PlacedAnomaly } from '../model/timeline-columns.ts';

export function ProofSeqs({ a }: { a: PlacedAnomaly }) {
  return (
    <p className="proof" data-testid="proof-seqs">
      Proof: events seq{' '}
      {a.seqs.map((seq, k) => (
        <span key={seq}>
          {k > 0 && ', '}
          {a.evs[k]! >= 0 ? (
            <button
              type="button"
              className="link"
              data-seq={seq}
              title={`select and centre event seq ${seq}`}
              onClick={() => focusEvent(a.run, a.evs[k]!)}
            >
              {seq}
            </button>
          ) : (
            <span title="not in this run">{seq}</span>
          )}
        </span>
      ))}
    </p>
  );
}
