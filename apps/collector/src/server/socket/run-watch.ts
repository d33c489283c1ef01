// Streams a run's stored history to one watcher without holding the event loop: a page at a time
// from the store, the first page in the watch's ack and the rest as `run:events`, waiting for the
// socket to drain between pages. Live events published meanwhile are held by the fan-out and sent
// after the last page, minus the seqs the history already had, so nothing is missed or repeated.
import type { TraceEvent, WatchAck } from '@causelane/trace-schema';
import type { EventStore } from '../store/event-store.ts';
import type { RunFanout, UiSocket, Watcher } from './run-fanout.ts';

/**
 * Every history stream on this node takes turns: one slice per turn of the event loop, whatever the
 * number of viewers, so requests and acks wait for at most one slice, never one per viewer.
 */
const turns: (() => void)[] = [];
let pumping = false;
function pump(): void {
  turns.shift()?.();
  pumping = turns.length > 0;
  if (pumping) setImmediate(pump);
}
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    turns.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}

/** Resolves once the socket's engine.io write buffer is flushed, and then at this stream's next turn. */
async function drained(socket: UiSocket): Promise<void> {
  await flushed(socket);
  await nextTurn();
}

function flushed(socket: UiSocket): Promise<void> {
  const conn = socket.conn as unknown as {
    writeBuffer?: unknown[];
    readyState?: string;
    once(ev: string, fn: () => void): void;
    off(ev: string, fn: () => void): void;
  };
  if (!conn.writeBuffer?.length || conn.readyState !== 'open') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      conn.off('drain', done);
      conn.off('close', done);
      resolve();
    };
    conn.once('drain', done);
    conn.once('close', done);
  });
}

/** Events per message while a history streams out. */
const SLICE = 500;

function parsePage(page: readonly string[], held: Watcher['held']): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const body of page) {
    let e: TraceEvent;
    try {
      e = JSON.parse(body) as TraceEvent;
    } catch {
      continue; // the store logs bodies it cannot parse
    }
    if (held.add(e.seq)) out.push(e);
  }
  return out;
}

/** The run's stored bodies in slices of at most SLICE, each knowing whether it is the last one. */
async function* historySlices(
  store: EventStore,
  run: string,
): AsyncGenerator<{ bodies: string[]; last: boolean }> {
  const pages = store.runBodies(run)[Symbol.asyncIterator]();
  try {
    let page = await pages.next();
    while (!page.done) {
      const bodies = page.value;
      // Read ahead, so the last slice of the last page is known as such (the ack says `more`).
      const next = await pages.next();
      for (let at = 0; at < bodies.length; at += SLICE)
        yield {
          bodies: bodies.slice(at, at + SLICE),
          last: next.done === true && at + SLICE >= bodies.length,
        };
      page = next;
    }
  } finally {
    await pages.return?.(undefined);
  }
}

export async function streamHistory(
  store: EventStore,
  fanout: RunFanout,
  w: Watcher,
  reply: (ack: WatchAck) => void,
): Promise<void> {
  const { run } = w;
  const live = () => fanout.current(w, w.generation);
  // The ack said more was coming: the client holds everything until the `synced` marker.
  let more = false;
  try {
    for (;;) {
      const generation = w.generation;
      const stale = () => !fanout.current(w, generation);
      for await (const slice of historySlices(store, run)) {
        // A reset before the ack restarts the read; an unwatch or a newer watch ends it.
        if (stale()) break;
        // Slices, so no step holds the loop for long (parse and encode are per slice).
        const events = parsePage(slice.bodies, w.held);
        if (!w.acked) {
          w.acked = true;
          more = !slice.last;
          reply(more ? { ok: true, run, events, more: true } : { ok: true, run, events });
        } else if (events.length > 0) w.socket.emit('run:events', { run, events });
        await drained(w.socket);
      }
      if (stale()) {
        if (live() && !w.acked) continue;
        break;
      }
      if (!w.acked) {
        w.acked = true;
        reply({ ok: true, run, events: [] });
      }
      fanout.finishWatch(w);
      if (more) w.socket.emit('run:events', { run, events: [], synced: true });
      return;
    }
    if (!w.acked) reply({ ok: false, error: `the watch of run ${JSON.stringify(run)} was cancelled` });
  } catch (err) {
    fanout.unwatch(w.socket, run);
    if (!w.acked) reply({ ok: false, error: `could not read run history: ${(err as Error).message}` });
    // Half a history cannot be completed here: a reconnecting client watches again from the start.
    else w.socket.disconnect();
  }
}

/**
 * Tops a live watcher up from the store after it may have missed events (a Redis outage): every
 * stored event it does not hold goes out as `run:events`, a page at a time.
 */
export async function resyncWatcher(store: EventStore, fanout: RunFanout, w: Watcher): Promise<number> {
  const generation = w.generation;
  let sent = 0;
  for await (const page of store.runBodies(w.run)) {
    if (!fanout.current(w, generation) || w.catchingUp !== null) return sent;
    for (let at = 0; at < page.length; at += SLICE) {
      const events = parsePage(page.slice(at, at + SLICE), w.held);
      if (events.length > 0) w.socket.emit('run:events', { run: w.run, events });
      sent += events.length;
      await drained(w.socket);
    }
  }
  return sent;
}
