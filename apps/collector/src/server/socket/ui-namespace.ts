// The `/ui` socket.io namespace: a browser watches a run and gets its stored history a page at a
// time, then the live events, each exactly once (run-watch.ts, run-fanout.ts), and hears about
// run-list changes (`runs:changed`, with the run's summary row).
import { checkWatchRun, UI_NAMESPACE, type WatchAck } from '@causelane/trace-schema';
import type { Server } from 'socket.io';
import type { EventStore } from '../store/event-store.ts';
import type { EngineGate } from './engine-gate.ts';
import type { RunFanout, UiNamespace } from './run-fanout.ts';
import { streamHistory } from './run-watch.ts';

export function registerUiNamespace(
  io: Server,
  store: EventStore,
  fanout: RunFanout,
  gate: EngineGate,
): void {
  const nsp = io.of(UI_NAMESPACE) as UiNamespace;
  gate.guard(nsp);
  nsp.on('connection', (socket) => {
    socket.on('run:watch', (req: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (res: WatchAck) => void;
      if (!checkWatchRun.Check(req)) {
        reply({ ok: false, error: 'run:watch needs { run: string of 1-200 characters }' });
        return;
      }
      // Registered before the first read: anything committed from now on is held for this watch.
      void streamHistory(store, fanout, fanout.startWatch(socket, req.run), reply);
    });
    socket.on('run:unwatch', (req: unknown) => {
      if (checkWatchRun.Check(req)) fanout.unwatch(socket, req.run);
    });
    socket.on('disconnect', () => fanout.dropSocket(socket));
  });
}
