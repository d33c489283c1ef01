// Questions the views ask the trace worker about a loaded run (one call's details, a turn's
// happens-before diagram, the trace as it stood at an event). They read and never write the store.
import { traceWorker } from '../io/trace-worker-client.ts';
import type { CallDetails } from '../model/call-details.ts';
import type { HbDiagram } from '../model/happens-before.ts';
import type { ReplaySnapshot } from '../model/replay-snapshot.ts';

export function callDetailsOf(run: string, call: string): Promise<CallDetails | null> {
  return traceWorker().call(run, call);
}

export function happensBeforeOf(run: string, turn: number): Promise<HbDiagram | null> {
  return traceWorker().happensBefore(run, turn);
}

export function replaySnapshotAt(run: string, at: number): Promise<ReplaySnapshot | null> {
  return traceWorker().snapshot(run, at);
}
