// The `/ui` socket.io namespace: a browser watches a run by joining its room, then reading the stored
// history, so the live `run:events` that follow leave no gap (the client drops seqs it already has).
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
    socket.on('run:watch', async (req: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (res: WatchAck) => void;
      if (!checkWatchRun.Check(req)) {
        reply({ ok: false, error: 'run:watch needs { run: string of 1-200 characters }' });
        return;
      }
      // Subscribe, then read the history: an event committed after the join reaches the room, and
      // one committed before the read is in the history, so there is no gap on any node. One
      // committed in between can come both ways (the store is shared by every node); clients drop
      // seqs they already hold.
      socket.join(runRoom(req.run));
      let events: WatchAck;
      try {
        events = { ok: true, run: req.run, events: await store.runEvents(req.run) };
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
