// EventColumns over a growing array of one run's events (sorted by seq, no repeats): its length is
// read live, so a model builder can resume over events appended since its last pass.
import type { EventColumns, TraceEvent } from '@causelane/trace-schema';

type Loose = Partial<Record<'turn' | 'call' | 'synthetic', unknown>>;

export function eventListColumns(run: string, events: readonly TraceEvent[]): EventColumns {
  return {
    run,
    get length() {
      return events.length;
    },
    seq: (i) => events[i]!.seq,
    type: (i) => events[i]!.type,
    t: (i) => events[i]!.t,
    turn: (i) => ((events[i] as Loose).turn as number | undefined) ?? 0,
    call: (i) => (events[i] as Loose).call as string | undefined,
    synthetic: (i) => (events[i] as Loose).synthetic === true,
    event: (i) => events[i]!,
  };
}
