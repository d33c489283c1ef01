// The toolbar's picker of the open file's runs, each with its anomaly counts by severity once the
// worker has analyzed it ("analyzing…" until then, never a count it does not know), and how many of
// the file's runs are analyzed while the background pass is under way.
import { memo } from 'react';
import { activateRun } from '../actions/selection.ts';
import { countBySeverity } from '../model/anomaly-filter.ts';
import type { RunCounts } from '../model/app-store.ts';
import { runCountsLabel } from '../model/count-label.ts';
import { useApp } from './use-app.ts';

const RunOption = memo(function RunOption({ run, counts }: { run: string; counts: RunCounts | undefined }) {
  return (
    <option value={run} data-analyzed={counts ? 'yes' : 'no'}>
      {runCountsLabel(run, counts)}
    </option>
  );
});

export function RunPicker() {
  const runOrder = useApp((s) => s.runOrder);
  const counts = useApp((s) => s.runCounts);
  const runs = useApp((s) => s.runs);
  const active = useApp((s) => s.activeRun);
  const compare = useApp((s) => s.compare !== null);
  const analyzing = useApp((s) => s.analyzing);
  if (runOrder.length < 2 || compare) return null;
  return (
    <>
      <label>
        Run{' '}
        <select
          value={active ?? ''}
          onChange={(e) => void activateRun(e.target.value)}
          data-testid="run-select"
        >
          {runOrder.map((r) => {
            // A live run's counts come from its columns; a file's run's from the worker's pass.
            const cols = runs[r];
            const c = counts[r] ?? (cols ? countBySeverity(cols.anomalies) : undefined);
            return <RunOption key={r} run={r} counts={c} />;
          })}
        </select>
      </label>
      {analyzing && (
        <span className="muted" data-testid="run-analysis" role="status">
          analyzing {analyzing.done.toLocaleString('en')} of {analyzing.total.toLocaleString('en')} runs
        </span>
      )}
    </>
  );
}
