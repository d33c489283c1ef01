// What one batch of the causal executor shares with the executor that runs it (settings and state
// that outlives the batch), and how each call ended for the commit.
import type { KeyVersion, ToolCallSpec } from '@causelane/trace-schema';
import type { Clock } from '../clock.ts';
import type { CallOutcome, OrphanedResult } from '../executor.ts';

/** How a call ended for the commit: its real outcome, or a stand-in with the reason. */
export type Slot =
  | { kind: 'real'; spec: ToolCallSpec; outcome: CallOutcome }
  | { kind: 'synthetic'; spec: ToolCallSpec; error: string };

/** What a batch shares with its executor: settings, and state that outlives the batch. */
export interface BatchHost {
  readonly clock: Clock;
  readonly callTimeoutMs: number;
  readonly batchTimeoutMs: number;
  /** Keys written by a call that timed out and has not answered, and that call's id. */
  readonly inDoubt: Map<string, string>;
  readonly minVersion: (key: string) => number;
  noteWrites(writes: readonly KeyVersion[]): void;
  /** A call timed out: its answer is now awaited as a straggler. */
  straggling(): void;
  /** A straggler answered (or an answer named an unknown id): keep it out of the context. */
  orphaned(orphan: OrphanedResult, straggler: boolean): void;
}
