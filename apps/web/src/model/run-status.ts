// Whether a run is live, quiet or ended, for the badge and for the "all clean" claim: only a run
// that ended (run.end seen) can be called clean, and only a run still receiving events is live.
export type RunPhase = 'live' | 'open' | 'ended';

/** How long after its last live batch a run without run.end still counts as live. */
export const LIVE_QUIET_MS = 30_000;

export function runPhase(status: string | null, liveSeenAt: number | undefined, now: number): RunPhase {
  if (status !== null) return 'ended';
  return liveSeenAt !== undefined && now - liveSeenAt < LIVE_QUIET_MS ? 'live' : 'open';
}
