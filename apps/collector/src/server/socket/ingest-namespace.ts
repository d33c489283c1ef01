// The `/ingest` socket.io namespace: agents send `events` batches and get an ack only once the batch
// is committed. Every payload is checked at runtime; a bad one (or one over the batch byte limit)
// gets an error ack and the connection stays up. A refusal the agent should retry carries
// retryAfterMs, one that conflicts with stored data carries conflict.
import {
  checkIngestBatch,
  INGEST_NAMESPACE,
  type IngestAck,
  type IngestClientToServerEvents,
  type IngestServerToClientEvents,
} from '@causelane/trace-schema';
import type { Namespace, Server } from 'socket.io';

import type { IngestService } from '../ingest-service.ts';
import { type Limits, RateLimiter } from '../limits.ts';
import { StoreBusyError } from '../store/event-store.ts';
import type { EngineGate } from './engine-gate.ts';

export interface IngestLog {
  error(msg: string): void;
}

function batchIdOf(payload: unknown): number | null {
  const id = (payload as { batch?: unknown } | null)?.batch;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

/** Answers one `events` message: shape and size checks, the rate limit, then the ingest service. */
async function answerBatch(
  payload: unknown,
  service: IngestService,
  limits: Limits,
  rate: RateLimiter,
): Promise<IngestAck> {
  const batch = batchIdOf(payload);
  if (!checkIngestBatch.Check(payload)) {
    return {
      ok: false,
      batch,
      error: 'payload must be { batch: integer >= 0, events: [event, ...] } with at least one event',
    };
  }
  const { events } = payload;
  if (events.length > limits.maxBatchEvents) {
    return {
      ok: false,
      batch,
      error: `batch has ${events.length} events; the limit is ${limits.maxBatchEvents}`,
    };
  }
  const wait = rate.take(events.length);
  if (wait > 0) {
    return {
      ok: false,
      batch,
      error: `rate limit of ${limits.eventsPerSecond} events/s exceeded`,
      retryAfterMs: wait,
    };
  }
  const res = await service.ingestValues(events, limits.maxBatchBytes);
  if (res.ok) return { ok: true, batch: payload.batch, stored: res.stored, duplicates: res.duplicates };
  return {
    ok: false,
    batch,
    error: res.error,
    ...(res.rejected.length > 0 ? { rejected: res.rejected } : {}),
    ...(res.conflict ? { conflict: true as const } : {}),
    ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}),
  };
}

export function registerIngestNamespace(
  io: Server,
  service: IngestService,
  limits: Limits,
  gate: EngineGate,
  log: IngestLog,
): void {
  const nsp = io.of(INGEST_NAMESPACE) as Namespace<IngestClientToServerEvents, IngestServerToClientEvents>;
  gate.guard(nsp);
  nsp.on('connection', (socket) => {
    const rate = new RateLimiter(limits.eventsPerSecond);
    socket.on('events', async (payload: unknown, ack: unknown) => {
      // Without an ack callback the sender could never learn whether its batch was stored, so an
      // ackless message is refused rather than half-handled.
      if (typeof ack !== 'function') return;
      let answer: IngestAck;
      try {
        answer = await answerBatch(payload, service, limits, rate);
      } catch (err) {
        log.error(`ingest failed: ${(err as Error).message}`);
        answer = {
          ok: false,
          batch: batchIdOf(payload),
          error: 'the collector could not store the batch; retry later',
          // Nothing was stored (the batch is one transaction): the same batch may be sent again.
          retryAfterMs: err instanceof StoreBusyError ? err.retryAfterMs : 1000,
        };
      }
      ack(answer);
    });
  });
}
