// The `/ui` socket.io namespace: a browser watches a run by joining its room and reading the stored
// history in the same tick, so the live `run:events` that follow start exactly after the history.
import { checkWatchRun, UI_NAMESPACE, type WatchAck } from '@causelane/trace-schema';
import type { Server } from 'socket.io';
import type { AccessPolicy } from '../access-policy.ts';
import type { EventStore } from '../store/event-store.ts';
import { runRoom, type UiNamespace } from './run-fanout.ts';

export function registerUiNamespace(io: Server, store: EventStore, access: AccessPolicy): void {
  const nsp = io.of(UI_NAMESPACE) as UiNamespace;
  nsp.use((socket, next) => {
    const refusal = access.handshakeRefusal(socket.handshake.headers, socket.handshake.auth);
    next(refusal === null ? undefined : new Error(refusal));
  });
  nsp.on('connection', (socket) => {
    socket.on('run:watch', (req: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (res: WatchAck) => void;
      if (!checkWatchRun.Check(req)) {
        reply({ ok: false, error: 'run:watch needs { run: string of 1-200 characters }' });
        return;
      }
      // join() and the history read are both synchronous: no ingest commit can fall between them,
      // so every event is either in the history or in a later run:events message, never both.
      socket.join(runRoom(req.run));
      let events: WatchAck;
      try {
        events = { ok: true, run: req.run, events: store.runEvents(req.run) };
      } catch (err) {
        socket.leave(runRoom(req.run));
        events = { ok: false, error: `could not read run history: ${(err as Error).message}` };
      }
      reply(events);
    });
    socket.on('run:unwatch', (req: unknown) => {
      if (checkWatchRun.Check(req)) socket.leave(runRoom(req.run));
    });
  });
}
