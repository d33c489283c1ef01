import { describe, expect, it } from 'vitest';
import { LIVE_QUIET_MS, runPhase } from './run-status.ts';

describe('run phase', () => {
  it('is ended once run.end gave a status, even while batches still arrive', () => {
    expect(runPhase('ok', 1000, 1000)).toBe('ended');
  });
  it('is live only while batches keep arriving, else merely open (an upload without run.end)', () => {
    expect(runPhase(null, 1000, 1000 + LIVE_QUIET_MS - 1)).toBe('live');
    expect(runPhase(null, 1000, 1000 + LIVE_QUIET_MS)).toBe('open');
    expect(runPhase(null, undefined, 5)).toBe('open');
  });
});
