import { describe, expect, it } from 'vitest';
import { countLabel } from './count-label.ts';

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
