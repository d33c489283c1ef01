// Where a tracer's events go. A sink takes whole batches and answers with an ack once they are
// stored (the socket.io sink: once the collector has them durably in SQLite).
import type { TraceEvent } from '@causelane/trace-schema';

export interface SinkAck {
  /** Events newly stored. */
  stored: number;
  /** Events the sink already had (a resend after a reconnect). */
  duplicates: number;
}

export interface TraceSink {
  /** Takes one batch; resolves once the batch is stored. Never called concurrently by the Tracer. */
  write(batch: readonly TraceEvent[]): Promise<SinkAck>;
  /** Waits until everything written so far is stored. */
  flush(): Promise<void>;
  /** Flushes, then releases resources. */
  close(): Promise<void>;
}
