// Typed socket.io events shared by collector, SDK and web app. Types are not validation: the
// collector checks every payload with the compiled schemas below as well.
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { TraceEvent } from './events.ts';
import type { RunListItem } from './http-api.ts';

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
      /** Set when the batch was refused for now (rate limit, database busy): resend it after this many ms. */
      retryAfterMs?: number;
      /** Set when the batch conflicts with what is stored (a seq with other content, a run made from OTLP spans): resending cannot help. */
      conflict?: true;
    };

export const WatchRunSchema = Type.Object({ run: Type.String({ minLength: 1, maxLength: 200 }) });
export type WatchRun = Static<typeof WatchRunSchema>;

export type WatchAck =
  | {
      ok: true;
      run: string;
      /** The first page of the run's history. */
      events: TraceEvent[];
      /** More history follows as `run:events`, up to one with `synced: true`. */
      more?: true;
    }
  | { ok: false; error: string };

export interface RunEventsMessage {
  run: string;
  events: TraceEvent[];
  /** The history of a watch whose ack said `more` is complete: what follows is live. */
  synced?: true;
}

export interface RunChangedMessage {
  run: string;
  /** 'created' on the first event of a run, 'updated' after, 'deleted' on removal. */
  change: 'created' | 'updated' | 'deleted';
  /** The run's summary row after a 'created' or 'updated' change: a run list can apply it without fetching. */
  item?: RunListItem;
}

/** Agent (SDK) to collector, on INGEST_NAMESPACE. */
export interface IngestClientToServerEvents {
  events: (batch: IngestBatch, ack: (res: IngestAck) => void) => void;
}
/** Collector to agent, on INGEST_NAMESPACE. */
export type IngestServerToClientEvents = Record<never, never>;

/** Browser to collector, on UI_NAMESPACE. */
export interface UiClientToServerEvents {
  /**
   * Watches a run: the ack holds the first page of its history, the rest follows as `run:events`
   * in seq order, then live events, each event exactly once.
   */
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
