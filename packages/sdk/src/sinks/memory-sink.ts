// Keeps every event in memory: for tests, and for the collector's in-process scenario runs.
import type { TraceEvent } from '@causelane/trace-schema';
import type { SinkAck, TraceSink } from './trace-sink.ts';

export class MemorySink implements TraceSink {
  readonly events: TraceEvent[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly onBatch?: (batch: readonly TraceEvent[]) => void) {}

  async write(batch: readonly TraceEvent[]): Promise<SinkAck> {
    let stored = 0;
    let duplicates = 0;
    for (const e of batch) {
      const id = `${e.run}\u0000${e.seq}`;
      if (this.seen.has(id)) {
        duplicates++;
        continue;
      }
      this.seen.add(id);
      this.events.push(e);
      stored++;
    }
    this.onBatch?.(batch);
    return { stored, duplicates };
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
