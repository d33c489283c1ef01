// Live fan-out to browsers on the UI namespace. Each node delivers a run's events to its own
// watchers itself, filtered by the seqs each one already holds (seq-ranges.ts), so a watcher sees
// every event exactly once: while its history streams in (run-watch.ts) live events are held back,
// and after a Redis outage it is topped up from the store by seq. Other nodes are reached through
// the Redis Streams adapter; their broadcasts are taken off the adapter and delivered the same way.
// `runs:changed` is throttled per run and carries the run's new summary row, so a run list can
// apply the change without fetching the list again.
import type {
  RunChangedMessage,
  RunListItem,
  TraceEvent,
  UiClientToServerEvents,
  UiServerToClientEvents,
} from '@causelane/trace-schema';
import type { Namespace, Socket } from 'socket.io';
import { SeqRanges } from './seq-ranges.ts';

export type UiNamespace = Namespace<UiClientToServerEvents, UiServerToClientEvents>;
export type UiSocket = Socket<UiClientToServerEvents, UiServerToClientEvents>;

/** The room of a run on the cluster: nodes broadcast to it; no socket joins it. */
export function runRoom(run: string): string {
  return `run:${run}`;
}

/** One socket watching one run. */
export interface Watcher {
  socket: UiSocket;
  run: string;
  held: SeqRanges;
  /** Set while the history streams in: live events wait here, then go out minus what the history had. */
  catchingUp: TraceEvent[] | null;
  /** Bumped when the watch restarts or a reset replaces the history, so a stale stream stops. */
  generation: number;
  /** The watch's ack (the first page) went out. */
  acked: boolean;
}

export interface FanoutOptions {
  /** Minimum gap between two 'updated' notices of one run. */
  updateEveryMs?: number;
  /** The run's summary row for `runs:changed`; null when gone. */
  summary?: (run: string) => Promise<RunListItem | null>;
  /** Whether other nodes can be reached now (Redis up); false drops the cluster broadcast, not local delivery. */
  clusterUp?: () => boolean;
}

const BROADCAST = 3; // socket.io-adapter MessageType.BROADCAST

export class RunFanout {
  private readonly pendingUpdates = new Map<string, NodeJS.Timeout>();
  private readonly watchers = new Map<string, Map<string, Watcher>>();
  private readonly listeners = new Set<(run: string, change: RunChangedMessage['change']) => void>();
  private readonly updateEveryMs: number;
  /** Announcements go out in the order the changes happened, each after its summary is read. */
  private announcing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly ui: UiNamespace,
    private readonly options: FanoutOptions = {},
    /** Whether a cluster adapter carries broadcasts to other nodes. */
    private readonly clustered = false,
  ) {
    this.updateEveryMs = options.updateEveryMs ?? 250;
    if (clustered) this.takeRemoteBroadcasts();
  }

  /**
   * Wraps the cluster adapter's `onMessage` (the entry point adapters call for every message from
   * another node): `run:events` and `run:reset` broadcasts are delivered to this node's watchers,
   * with the same filter as local ones; every other message goes on as before.
   */
  private takeRemoteBroadcasts(): void {
    const adapter = this.ui.adapter as unknown as {
      uid?: string;
      onMessage?: (message: unknown, offset?: string) => unknown;
    };
    const original = adapter.onMessage;
    if (typeof original !== 'function') return;
    adapter.onMessage = (message: unknown, offset?: string) => {
      const m = message as {
        uid?: string;
        type?: number;
        nsp?: string;
        data?: { packet?: { data?: unknown } };
      };
      const data = m?.data?.packet?.data;
      if (m?.type === BROADCAST && m.uid !== adapter.uid && m.nsp === this.ui.name && Array.isArray(data)) {
        const [event, msg] = data as [unknown, { run?: unknown; events?: unknown }];
        if (
          (event === 'run:events' || event === 'run:reset') &&
          typeof msg?.run === 'string' &&
          Array.isArray(msg.events)
        ) {
          if (event === 'run:events') this.deliver(msg.run, msg.events as TraceEvent[]);
          else this.resetLocal(msg.run, msg.events as TraceEvent[]);
          return;
        }
      }
      return original.call(adapter, message, offset);
    };
  }

  private toCluster(event: 'run:events' | 'run:reset', run: string, events: TraceEvent[]): void {
    if (!this.clustered || !(this.options.clusterUp?.() ?? true)) return;
    // No socket joins run rooms, so this reaches only the other nodes' adapters (above).
    this.ui.to(runRoom(run)).emit(event, { run, events });
  }

  /** Sends newly stored events to the run's watchers on every node; call right after the commit. */
  publish(run: string, events: TraceEvent[]): void {
    this.deliver(run, events);
    this.toCluster('run:events', run, events);
  }

  /** Sends a run's whole re-derived history to its watchers, replacing what they hold. */
  reset(run: string, events: TraceEvent[]): void {
    this.resetLocal(run, events);
    this.toCluster('run:reset', run, events);
  }

  /** Delivers events to this node's watchers of the run, each getting only the seqs it lacks. */
  deliver(run: string, events: readonly TraceEvent[]): void {
    const watching = this.watchers.get(run);
    if (!watching) return;
    const whole: string[] = [];
    for (const w of watching.values()) {
      if (w.catchingUp) {
        w.catchingUp.push(...events);
        continue;
      }
      const fresh = events.filter((e) => w.held.add(e.seq));
      if (fresh.length === events.length) whole.push(w.socket.id);
      else if (fresh.length > 0) w.socket.emit('run:events', { run, events: fresh });
    }
    // Watchers that lack all of the batch share one encoding of it (a socket id is also a room).
    if (whole.length > 0) this.ui.local.to(whole).emit('run:events', { run, events: events as TraceEvent[] });
  }

  private resetLocal(run: string, events: readonly TraceEvent[]): void {
    const ids: string[] = [];
    for (const w of this.watchers.get(run)?.values() ?? []) {
      w.generation++;
      w.held.clear();
      // Before its ack, a watch just reads the new history from the start (run-watch.ts).
      if (!w.acked) {
        w.catchingUp = [];
        continue;
      }
      w.catchingUp = null;
      for (const e of events) w.held.add(e.seq);
      ids.push(w.socket.id);
    }
    if (ids.length > 0) this.ui.local.to(ids).emit('run:reset', { run, events: events as TraceEvent[] });
  }

  /** Registers a watch whose history is about to stream in; live events wait until finishWatch(). */
  startWatch(socket: UiSocket, run: string): Watcher {
    let watching = this.watchers.get(run);
    if (!watching) {
      watching = new Map();
      this.watchers.set(run, watching);
    }
    const previous = watching.get(socket.id);
    const w: Watcher = {
      socket,
      run,
      held: new SeqRanges(),
      catchingUp: [],
      generation: (previous?.generation ?? 0) + 1,
      acked: false,
    };
    if (previous) previous.generation++;
    watching.set(socket.id, w);
    return w;
  }

  /** Whether `w` is still the socket's current watch of its run, at the same generation. */
  current(w: Watcher, generation: number): boolean {
    return this.watchers.get(w.run)?.get(w.socket.id) === w && w.generation === generation;
  }

  /** The history is out: send what was held back and not in it, then deliver live from now on. */
  finishWatch(w: Watcher): void {
    const heldBack = w.catchingUp;
    w.catchingUp = null;
    if (!heldBack || heldBack.length === 0) return;
    const fresh = heldBack.filter((e) => w.held.add(e.seq));
    if (fresh.length > 0) w.socket.emit('run:events', { run: w.run, events: fresh });
  }

  unwatch(socket: UiSocket, run: string): void {
    const watching = this.watchers.get(run);
    if (!watching?.delete(socket.id)) return;
    if (watching.size === 0) this.watchers.delete(run);
  }

  dropSocket(socket: UiSocket): void {
    for (const run of [...this.watchers.keys()]) this.unwatch(socket, run);
  }

  /** Every watcher on this node that is streaming live (for a resync after a Redis outage). */
  liveWatchers(): Watcher[] {
    return [...this.watchers.values()].flatMap((m) => [...m.values()]).filter((w) => w.catchingUp === null);
  }

  /** Called for every run change, before throttling (caches of per-run results listen here). */
  onRunChanged(listener: (run: string, change: RunChangedMessage['change']) => void): void {
    this.listeners.add(listener);
  }

  runChanged(run: string, change: RunChangedMessage['change']): void {
    for (const l of this.listeners) l(run, change);
    if (change === 'updated') {
      if (this.pendingUpdates.has(run)) return;
      this.pendingUpdates.set(
        run,
        setTimeout(() => {
          this.pendingUpdates.delete(run);
          this.announce(run, 'updated');
        }, this.updateEveryMs),
      );
      return;
    }
    const pending = this.pendingUpdates.get(run);
    if (pending) clearTimeout(pending);
    this.pendingUpdates.delete(run);
    this.announce(run, change);
  }

  private announce(run: string, change: RunChangedMessage['change']): void {
    const summary = change === 'deleted' ? undefined : this.options.summary;
    const item = summary ? summary(run).catch(() => null) : Promise.resolve(null);
    this.announcing = this.announcing.then(async () => {
      const row = await item;
      if (this.closed) return;
      this.ui.emit('runs:changed', row ? { run, change, item: row } : { run, change });
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.pendingUpdates.values()) clearTimeout(t);
    this.pendingUpdates.clear();
  }
}
