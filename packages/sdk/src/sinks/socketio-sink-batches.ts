// How SocketIoSink cuts a write into socket messages and spaces out its retries: batches bounded by
// event count and by bytes (the collector closes a connection whose message passes its buffer
// limit), exponential backoff with jitter (a crowd of senders never retries in step), and which
// connection errors are final.
import type { TraceEvent } from '@causelane/trace-schema';

export interface BatchLimits {
  maxBatchEvents: number;
  /** Most bytes of event JSON in one message. */
  maxBatchBytes: number;
  /** Largest single event; bigger ones are refused before anything is sent. */
  maxEventBytes: number;
}

/** JSON size in bytes; the UTF-16 length bounds it cheaply for the common short event. */
function jsonBytes(event: TraceEvent, budget: number): number {
  const json = JSON.stringify(event);
  // Each UTF-16 unit is at most 3 bytes of UTF-8; only measure exactly when that bound matters.
  return json.length * 3 <= budget ? json.length : Buffer.byteLength(json);
}

/**
 * Splits a write into batches under both limits, or throws naming the first event that is too big
 * alone (so nothing of the write is sent, as the collector would refuse it anyway).
 */
export function splitBatches(events: readonly TraceEvent[], limits: BatchLimits): TraceEvent[][] {
  const cap = Math.min(limits.maxEventBytes, limits.maxBatchBytes);
  const out: TraceEvent[][] = [];
  let current: TraceEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = jsonBytes(e, cap);
    if (size > cap) {
      throw new Error(
        `event run ${JSON.stringify(e.run)} seq ${e.seq} (${e.type}) is ${size} bytes of JSON; the limit is ${cap} (maxEventBytes ${limits.maxEventBytes}, maxBatchBytes ${limits.maxBatchBytes}); nothing of this write was sent`,
      );
    }
    if (
      current.length > 0 &&
      (current.length >= limits.maxBatchEvents || bytes + size > limits.maxBatchBytes)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export interface Backoff {
  /** First retry delay. */
  baseMs: number;
  /** Longest delay. */
  maxMs: number;
}

/**
 * Delay before retry number `retry` (1, 2, ...): base x 2^(retry-1), capped, with "equal jitter"
 * (half fixed, half random), and never less than a wait the collector asked for.
 */
export function backoffDelay(retry: number, backoff: Backoff, atLeastMs = 0, random = Math.random): number {
  const expo = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.max(atLeastMs, Math.round(expo / 2 + (random() * expo) / 2));
}

/** The collector refused the engine.io handshake itself: a wrong or missing token (401), or the origin (403). */
export function handshakeRefusal(err: Error): string | null {
  const d = (err as { description?: { message?: unknown; error?: { message?: unknown } } | number })
    .description;
  const text = typeof d === 'number' ? `status ${d}` : String(d?.message ?? d?.error?.message ?? '');
  const m = /(?:Unexpected server response: |status )(401|403)\b/.exec(text);
  if (!m) return null;
  return m[1] === '401'
    ? 'HTTP 401 at the handshake: the collector needs a valid token (SocketIoSink token option)'
    : 'HTTP 403 at the handshake: the collector refused this client';
}
