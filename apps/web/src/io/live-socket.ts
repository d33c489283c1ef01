// socket.io-client connection to the collector's '/ui' namespace: watch a run (history in the ack,
// then live batches, or a whole new history when the collector re-derives it) and hear about
// run-list changes. Payloads are checked before use.
import {
  type RunChangedMessage,
  type RunEventsMessage,
  UI_NAMESPACE,
  type UiClientToServerEvents,
  type UiServerToClientEvents,
  type WatchAck,
} from '@causelane/trace-schema/protocol';
import { io, type Socket } from 'socket.io-client';
import { authToken } from './auth-token.ts';
import { RunWatches } from './run-watches.ts';

export type UiSocket = Socket<UiServerToClientEvents, UiClientToServerEvents>;

/** The collector's '/ui' namespace on this page's origin, with the session's token. */
function collectorSocket(): UiSocket {
  const token = authToken();
  // The token also goes in the handshake URL: a collector with a token checks it before any namespace.
  return io(UI_NAMESPACE, {
    auth: token ? { token } : {},
    query: token ? { token } : {},
    transports: ['websocket', 'polling'],
  });
}

export interface LiveHandlers {
  /** Events that continue what is held for the run. */
  onRunEvents: (run: string, events: unknown[]) => void;
  /** The run's whole history (a watch's ack, or `run:reset`): replaces everything held for it. */
  onRunReset: (run: string, events: unknown[]) => void;
  onRunsChanged: (msg: RunChangedMessage) => void;
  onConnection: (connected: boolean) => void;
}

/** A watch whose history still streams in after its ack: everything is held until `synced`. */
interface Syncing {
  events: unknown[];
  done(): void;
  fail(why: string): void;
}

export class LiveSocket {
  private readonly watched = new RunWatches();
  private readonly syncing = new Map<string, Syncing>();

  constructor(
    private readonly handlers: LiveHandlers,
    private readonly socket: UiSocket = collectorSocket(),
    private readonly ackTimeoutMs = 10_000,
  ) {
    this.socket.on('connect', () => {
      handlers.onConnection(true);
      // After a reconnect, re-watch: the history in the ack replaces what was held, closing any gap
      // (and covering a reset broadcast while we were away).
      for (const run of this.watched.opened) this.watch(run).catch(() => undefined);
    });
    // A socket that never connected gets no 'disconnect': a collector gone before the first connect
    // (or between two reconnect attempts) shows up only as failed attempts, and counts as offline.
    this.socket.on('connect_error', () => handlers.onConnection(false));
    this.socket.on('disconnect', () => {
      for (const s of [...this.syncing.values()])
        s.fail('the connection closed while its history was loading');
      this.syncing.clear();
      handlers.onConnection(false);
    });
    this.socket.on('run:events', (msg: RunEventsMessage) => {
      if (typeof msg?.run !== 'string' || !Array.isArray(msg.events) || !this.watched.has(msg.run)) return;
      const s = this.syncing.get(msg.run);
      if (!s) return handlers.onRunEvents(msg.run, msg.events);
      // A long history arrives in pages: it goes to the worker once, whole, not page by page.
      for (const e of msg.events) s.events.push(e);
      if (msg.synced !== true) return;
      this.syncing.delete(msg.run);
      if (this.watched.accepted(msg.run)) handlers.onRunReset(msg.run, s.events);
      s.done();
    });
    this.socket.on('run:reset', (msg: RunEventsMessage) => {
      if (typeof msg?.run === 'string' && Array.isArray(msg.events) && this.watched.has(msg.run)) {
        // A reset replaces a history still loading too.
        const s = this.syncing.get(msg.run);
        this.syncing.delete(msg.run);
        if (s) {
          this.watched.accepted(msg.run);
          s.done();
        }
        handlers.onRunReset(msg.run, msg.events);
      }
    });
    this.socket.on('runs:changed', (msg: RunChangedMessage) => {
      if (typeof msg?.run === 'string') handlers.onRunsChanged(msg);
    });
  }

  /**
   * Watches a run. Its history goes to `onRunReset` from inside the ack callback, so it is handed
   * over before any `run:events` or `run:reset` that the collector sent after it. A long history
   * comes in pages after the ack (`more`); it is held and handed over whole at `synced`, when the
   * returned promise resolves.
   */
  watch(run: string): Promise<void> {
    // Watched from now on, so live events sent right after the ack are not dropped.
    const attempt = this.watched.start(run);
    const fail = (why: string) => {
      this.watched.failed(run, attempt);
      return new Error(`cannot watch run ${run}: ${why}`);
    };
    return new Promise((resolve, reject) => {
      this.socket
        .timeout(this.ackTimeoutMs)
        .emit('run:watch', { run }, (err: Error | null, ack: WatchAck) => {
          if (err) return reject(fail('the collector did not answer'));
          if (!ack?.ok) return reject(fail(ack?.error ?? 'bad answer'));
          if (ack.more === true) {
            const events = Array.isArray(ack.events) ? [...ack.events] : [];
            this.syncing.set(run, { events, done: resolve, fail: (why) => reject(fail(why)) });
            return;
          }
          if (this.watched.accepted(run))
            this.handlers.onRunReset(run, Array.isArray(ack.events) ? ack.events : []);
          resolve();
        });
    });
  }

  unwatch(run: string): void {
    this.syncing.get(run)?.done();
    this.syncing.delete(run);
    if (!this.watched.stop(run)) return;
    this.socket.emit('run:unwatch', { run });
  }

  get connected(): boolean {
    return this.socket.connected;
  }
}
