// Re-deriving one OTLP run inside the ingest transaction: its stored spans mapped to events again,
// and its stored events brought in line (unchanged, extended, reset or deleted).
import { ImportError, spansToEvents } from '@causelane/importers';
import type { TraceEvent } from '@causelane/trace-schema';
import type { StoreTx } from '../store/event-store.ts';

/** What re-deriving one OTLP run did to its stored events, for the fan-out after the commit. */
export type RunChange =
  | { run: string; kind: 'unchanged' }
  | { run: string; kind: 'extended'; fresh: TraceEvent[]; created: boolean }
  | { run: string; kind: 'reset'; events: TraceEvent[] }
  | { run: string; kind: 'deleted' };

/** Spans for a run that holds events of another source (an upload, the SDK). */
export class ForeignRunError extends Error {}

/** Refuses spans for a run whose events came from another source. */
export async function checkForeign(tx: StoreTx, run: string): Promise<void> {
  if ((await tx.hasRunId(run)) && !(await tx.isSpanRun(run)))
    throw new ForeignRunError(
      `run ${JSON.stringify(run)} already holds events that did not come from OTLP; spans cannot be merged into it; nothing was stored`,
    );
}

/** Maps a run's stored spans to events again and brings its stored events in line (inside the transaction). */
export async function rederiveRun(tx: StoreTx, run: string, maxEventBytes: number): Promise<RunChange> {
  const spans = await tx.spansOfRun(run);
  if (spans.length === 0) {
    // Every span moved to another run (its trace named a conversation in a later batch).
    await tx.deleteRun(run);
    return { run, kind: 'deleted' };
  }
  const events = spansToEvents(run, spans, { source: 'otlp' });
  const bodies = events.map((e) => JSON.stringify(e));
  for (let i = 0; i < bodies.length; i++) {
    const size = Buffer.byteLength(bodies[i]!);
    if (size > maxEventBytes)
      throw new ImportError(
        `run ${JSON.stringify(run)} seq ${i}`,
        `the ${events[i]!.type} event is ${size} bytes; the limit is ${maxEventBytes}`,
      );
  }
  const old = await tx.runBodies(run);
  if (old.length <= bodies.length && old.every((b, i) => b === bodies[i])) {
    if (old.length === bodies.length) return { run, kind: 'unchanged' };
    const fresh = events.slice(old.length);
    const batch = await tx.insert(fresh, bodies.slice(old.length));
    return { run, kind: 'extended', fresh, created: batch.created.length > 0 };
  }
  await tx.replaceRunEvents(run, events, bodies);
  return { run, kind: 'reset', events };
}
