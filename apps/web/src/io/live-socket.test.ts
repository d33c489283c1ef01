import type { WatchAck } from '@causelane/trace-schema/protocol';
import { describe, expect, it } from 'vitest';
import { LiveSocket, type UiSocket } from './live-socket.ts';

type Answer = (err: Error | null, ack?: WatchAck) => void;

/** The few socket.io-client calls LiveSocket makes; the test plays the collector's answers. */
class FakeSocket {
  readonly listeners = new Map<string, (msg?: unknown) => void>();
  readonly watchRequests: { run: string; answer: Answer }[] = [];
  connected = true;
  on(event: string, fn: (msg?: unknown) => void): this {
    this.listeners.set(event, fn);
    return this;
  }
  timeout(_ms: number) {
    return {
      emit: (_event: 'run:watch', req: { run: string }, answer: Answer) => {
        this.watchRequests.push({ run: req.run, answer });
      },
    };
  }
  emit(): void {}
  fire(event: string, msg?: unknown): void {
    this.listeners.get(event)?.(msg);
  }
}

function setup() {
  const fake = new FakeSocket();
  const resets: string[] = [];
  const live: string[] = [];
  const connection: boolean[] = [];
  const socket = new LiveSocket(
    {
      onRunEvents: (run) => live.push(run),
      onRunReset: (run) => resets.push(run),
      onRunsChanged: () => {},
      onConnection: (c) => connection.push(c),
    },
    fake as unknown as UiSocket,
  );
  return { fake, socket, resets, live, connection };
}

describe('LiveSocket connection state', () => {
  it('reports offline when the collector is gone before the socket ever connected', () => {
    const { fake, connection } = setup();
    fake.fire('connect_error', new Error('xhr poll error'));
    expect(connection).toEqual([false]);
    fake.fire('connect');
    fake.fire('disconnect');
    expect(connection).toEqual([false, true, false]);
  });
});

describe('LiveSocket.watch', () => {
  it('never resurrects a run whose watch timed out or was refused when it reconnects', async () => {
    const { fake, socket, resets, live } = setup();
    const timedOut = socket.watch('slow-run');
    fake.watchRequests.at(-1)!.answer(new Error('operation has timed out'));
    await expect(timedOut).rejects.toThrow('cannot watch run slow-run: the collector did not answer');
    const refused = socket.watch('no-such-run');
    fake.watchRequests.at(-1)!.answer(null, { ok: false, error: 'unknown run' });
    await expect(refused).rejects.toThrow('cannot watch run no-such-run: unknown run');
    const opened = socket.watch('ok-run');
    fake.watchRequests.at(-1)!.answer(null, { ok: true, run: 'ok-run', events: [] });
    await opened;
    expect(resets).toEqual(['ok-run']);

    fake.watchRequests.length = 0;
    fake.fire('connect');
    expect(fake.watchRequests.map((r) => r.run)).toEqual(['ok-run']);
    for (const r of fake.watchRequests) r.answer(null, { ok: true, run: r.run, events: [] });
    fake.fire('run:events', { run: 'slow-run', events: [{}] });
    fake.fire('run:reset', { run: 'no-such-run', events: [] });
    expect(resets).toEqual(['ok-run', 'ok-run']);
    expect(live).toEqual([]);
  });

  it('holds a long history that comes in pages after the ack and hands it over whole at synced', async () => {
    const fake = new FakeSocket();
    const got: { kind: string; run: string; n: number }[] = [];
    const socket = new LiveSocket(
      {
        onRunEvents: (run, events) => got.push({ kind: 'events', run, n: events.length }),
        onRunReset: (run, events) => got.push({ kind: 'reset', run, n: events.length }),
        onRunsChanged: () => {},
        onConnection: () => {},
      },
      fake as unknown as UiSocket,
    );
    let settled = false;
    const watching = socket.watch('long').then(() => (settled = true));
    fake.watchRequests
      .at(-1)!
      .answer(null, { ok: true, run: 'long', events: [{}, {}], more: true } as WatchAck);
    fake.fire('run:events', { run: 'long', events: [{}, {}, {}] });
    fake.fire('run:events', { run: 'long', events: [{}] });
    await Promise.resolve();
    expect(got).toEqual([]);
    expect(settled).toBe(false);
    fake.fire('run:events', { run: 'long', events: [], synced: true });
    await watching;
    fake.fire('run:events', { run: 'long', events: [{}] });
    expect(got).toEqual([
      { kind: 'reset', run: 'long', n: 6 },
      { kind: 'events', run: 'long', n: 1 },
    ]);
  });

  it('sends a first watch once when the socket connects after it (the collector cancels a repeat)', () => {
    const { fake, socket } = setup();
    void socket.watch('early-run');
    fake.fire('connect');
    expect(fake.watchRequests.map((r) => r.run)).toEqual(['early-run']);
  });
});
