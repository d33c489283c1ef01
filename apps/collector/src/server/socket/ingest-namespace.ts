// The `/ingest` socket.io namespace: agents send `events` batches and get an ack only once the batch
// is committed to SQLite. Every payload is checked at runtime; a bad one gets an error ack and the
// connection stays up.
import {
  checkIngestBatch,
  INGEST_NAMESPACE,
  type IngestAck,
  type IngestClientToServerEvents,
  type IngestServerToClientEvents,
} from '@causelane/trace-schema';
import type { Namespace, Server } from 'socket.io';
import type { AccessPolicy } from '../access-policy.ts';
import type { IngestService } from '../ingest-service.ts';
import { type Limits, RateLimiter } from '../limits.ts';
import { StoreBusyError } from '../store/event-store.ts';

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
  const res = await service.ingestValues(events);
  return res.ok
    ? { ok: true, batch: payload.batch, stored: res.stored, duplicates: res.duplicates }
    : { ok: false, batch, error: res.error, rejected: res.rejected };
}

export function registerIngestNamespace(
  io: Server,
  service: IngestService,
  limits: Limits,
  access: AccessPolicy,
  log: IngestLog,
): void {
  const nsp = io.of(INGEST_NAMESPACE) as Namespace<IngestClientToServerEvents, IngestServerToClientEvents>;
  nsp.use((socket, next) => {
    const refusal = access.handshakeRefusal(socket.handshake.headers, socket.handshake.auth);
    next(refusal === null ? undefined : new Error(refusal));
  });
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
          // A transient refusal (database busy, connection lost): the same batch may be sent again.
          ...(err instanceof StoreBusyError ? { retryAfterMs: err.retryAfterMs } : {}),
        };
      }
      ack(answer);
    });
  });
}
