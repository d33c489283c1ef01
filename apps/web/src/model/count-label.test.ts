import { describe, expect, it } from 'vitest';
import { countLabel, runCountsLabel } from './count-label.ts';

describe('countLabel', () => {
  it('uses the singular only for exactly one', () => {
    expect(countLabel(1, 'error')).toBe('1 error');
    expect(countLabel(0, 'error')).toBe('0 errors');
    expect(countLabel(2, 'warning')).toBe('2 warnings');
  });
  it('keeps mass nouns and explicit plurals', () => {
    expect(countLabel(3, 'info')).toBe('3 info');
    expect(countLabel(2, 'child', 'children')).toBe('2 children');
  });
  it('groups thousands so big traces stay readable', () => {
    expect(countLabel(1000000, 'event')).toBe('1,000,000 events');
  });
});

describe('runCountsLabel', () => {
  it('gives a run its counts once known, and no count (not 0) before', () => {
    expect(runCountsLabel('r1', { error: 1, warning: 0, info: 2 })).toBe('r1 · 1 error, 0 warnings, 2 info');
    expect(runCountsLabel('r2', undefined)).toBe('r2 · analyzing…');
    expect(runCountsLabel('rx', undefined)).not.toMatch(/\d/);
  });
});
