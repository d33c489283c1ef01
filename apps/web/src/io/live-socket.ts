// socket.io-client connection to the collector's '/ui' namespace: watch a run (history in the ack,
// then live batches) and hear about run-list changes. Payloads are checked before use.
import {
  type RunChangedMessage,
  type RunEventsMessage,
  UI_NAMESPACE,
  type UiClientToServerEvents,
  type UiServerToClientEvents,
  type WatchAck,
} from '@causelane/trace-schema/api';
import { io, type Socket } from 'socket.io-client';
import { authToken } from './auth-token.ts';

type UiSocket = Socket<UiServerToClientEvents, UiClientToServerEvents>;

export interface LiveHandlers {
  onRunEvents: (run: string, events: unknown[]) => void;
  onRunsChanged: (msg: RunChangedMessage) => void;
  onConnection: (connected: boolean) => void;
}

export class LiveSocket {
  private readonly socket: UiSocket;
  private readonly watched = new Set<string>();

  constructor(handlers: LiveHandlers) {
    const token = authToken();
    this.socket = io(UI_NAMESPACE, { auth: token ? { token } : {}, transports: ['websocket', 'polling'] });
    this.socket.on('connect', () => {
      handlers.onConnection(true);
      // After a reconnect, re-watch: the history in the ack plus dedup by seq closes any gap.
      for (const run of this.watched) void this.watch(run);
    });
    this.socket.on('disconnect', () => handlers.onConnection(false));
    this.socket.on('run:events', (msg: RunEventsMessage) => {
      if (typeof msg?.run === 'string' && Array.isArray(msg.events) && this.watched.has(msg.run)) {
        handlers.onRunEvents(msg.run, msg.events);
      }
    });
    this.socket.on('runs:changed', (msg: RunChangedMessage) => {
      if (typeof msg?.run === 'string') handlers.onRunsChanged(msg);
    });
  }

  /** Watches a run; resolves with its history so far. */
  async watch(run: string): Promise<unknown[]> {
    this.watched.add(run);
    const ack = (await this.socket.timeout(10_000).emitWithAck('run:watch', { run })) as WatchAck;
    if (!ack.ok) throw new Error(`cannot watch run ${run}: ${ack.error}`);
    return Array.isArray(ack.events) ? ack.events : [];
  }

  unwatch(run: string): void {
    if (!this.watched.delete(run)) return;
    this.socket.emit('run:unwatch', { run });
  }

  get connected(): boolean {
    return this.socket.connected;
  }
}
