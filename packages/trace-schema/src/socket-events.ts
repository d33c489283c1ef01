// Typed socket.io events shared by collector, SDK and web app. Types are not validation: the
// collector checks every payload with the compiled schemas below as well.
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { TraceEvent } from './events.ts';

export { INGEST_NAMESPACE, UI_NAMESPACE } from './namespaces.ts';

export const IngestBatchSchema = Type.Object({
  /** Client-chosen id, echoed in the ack so a resend can be matched. */
  batch: Type.Integer({ minimum: 0 }),
  events: Type.Array(Type.Unknown(), { minItems: 1 }),
});
export type IngestBatch = Static<typeof IngestBatchSchema>;

export interface IngestRejection {
  /** Index in the batch of the offending event. */
  index: number;
  field: string;
  message: string;
}

export type IngestAck =
  | { ok: true; batch: number; stored: number; duplicates: number }
  | {
      ok: false;
      batch: number | null;
      error: string;
      rejected?: IngestRejection[];
      /** Set when the batch was refused for now (rate limit): resend it after this many ms. */
      retryAfterMs?: number;
    };

export const WatchRunSchema = Type.Object({ run: Type.String({ minLength: 1, maxLength: 200 }) });
export type WatchRun = Static<typeof WatchRunSchema>;

export type WatchAck = { ok: true; run: string; events: TraceEvent[] } | { ok: false; error: string };

export interface RunEventsMessage {
  run: string;
  events: TraceEvent[];
}

export interface RunChangedMessage {
  run: string;
  /** 'created' on the first event of a run, 'updated' after, 'deleted' on removal. */
  change: 'created' | 'updated' | 'deleted';
}

/** Agent (SDK) to collector, on INGEST_NAMESPACE. */
export interface IngestClientToServerEvents {
  events: (batch: IngestBatch, ack: (res: IngestAck) => void) => void;
}
/** Collector to agent, on INGEST_NAMESPACE. */
export type IngestServerToClientEvents = Record<never, never>;

/** Browser to collector, on UI_NAMESPACE. */
export interface UiClientToServerEvents {
  /** Joins the run's room and answers with its history; live events follow with no gap or repeat. */
  'run:watch': (req: WatchRun, ack: (res: WatchAck) => void) => void;
  'run:unwatch': (req: WatchRun) => void;
}
/** Collector to browser, on UI_NAMESPACE. */
export interface UiServerToClientEvents {
  'run:events': (msg: RunEventsMessage) => void;
  /**
   * The run's stored events were re-derived (an OTLP batch filled in spans that come earlier): drop
   * everything held for `msg.run` and take `msg.events` as its whole history; `run:events` continue it.
   */
  'run:reset': (msg: RunEventsMessage) => void;
  'runs:changed': (msg: RunChangedMessage) => void;
}

export const checkIngestBatch = Compile(IngestBatchSchema);
export const checkWatchRun = Compile(WatchRunSchema);
