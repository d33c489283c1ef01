// Live fan-out to browsers on the UI namespace: a room per run for its events, and a throttled
// `runs:changed` broadcast so run lists update without a message per event. With the Redis Streams
// adapter installed on the server, both reach browsers connected to every collector node.
import {
  type RunChangedMessage,
  type TraceEvent,
  UI_NAMESPACE,
  type UiClientToServerEvents,
  type UiServerToClientEvents,
} from '@causelane/trace-schema';
import type { Namespace, Server } from 'socket.io';

export type UiNamespace = Namespace<UiClientToServerEvents, UiServerToClientEvents>;

export function runRoom(run: string): string {
  return `run:${run}`;
}

export class RunFanout {
  private readonly pendingUpdates = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ui: UiNamespace,
    /** Minimum gap between two 'updated' notices of one run. */
    private readonly updateEveryMs = 250,
  ) {}

  static forServer(io: Server): RunFanout {
    return new RunFanout(io.of(UI_NAMESPACE) as UiNamespace);
  }

  /** Sends newly stored events to the run's watchers; call right after the commit, in the same tick. */
  publish(run: string, events: TraceEvent[]): void {
    this.ui.to(runRoom(run)).emit('run:events', { run, events });
  }

  /** Sends a run's whole re-derived history to its watchers, replacing what they hold. */
  reset(run: string, events: TraceEvent[]): void {
    this.ui.to(runRoom(run)).emit('run:reset', { run, events });
  }

  runChanged(run: string, change: RunChangedMessage['change']): void {
    if (change === 'updated') {
      if (this.pendingUpdates.has(run)) return;
      this.pendingUpdates.set(
        run,
        setTimeout(() => {
          this.pendingUpdates.delete(run);
          this.ui.emit('runs:changed', { run, change: 'updated' });
        }, this.updateEveryMs),
      );
      return;
    }
    const pending = this.pendingUpdates.get(run);
    if (pending) clearTimeout(pending);
    this.pendingUpdates.delete(run);
    this.ui.emit('runs:changed', { run, change });
  }

  close(): void {
    for (const t of this.pendingUpdates.values()) clearTimeout(t);
    this.pendingUpdates.clear();
  }
}
