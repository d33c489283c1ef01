import { describe, expect, it } from 'vitest';
import { loadExample } from '../testing/load-example.ts';
import { filterAnomalies, NO_FILTER, toggleChip } from './anomaly-filter.ts';

describe('anomaly filter', () => {
  const { cols } = loadExample('stale-read');
  it('includes what is picked, and shows everything when nothing is', () => {
    expect(filterAnomalies(cols.anomalies, NO_FILTER)).toHaveLength(2);
    const errors = toggleChip(NO_FILTER, { severity: 'error' });
    expect(filterAnomalies(cols.anomalies, errors).map((a) => a.type)).toEqual(['stale-read']);
    const both = toggleChip(errors, { type: 'commit-order' });
    expect(filterAnomalies(cols.anomalies, both)).toEqual([]);
    expect(toggleChip(errors, { severity: 'error' })).toEqual(NO_FILTER);
  });
});
