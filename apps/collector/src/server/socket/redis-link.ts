// The Redis connection behind the cluster fan-out. Start-up waits a bounded time for Redis and then
// fails with a clear error instead of hanging; while Redis is down, commands do not pile up (the
// client's queue is bounded and the fan-out skips the cluster broadcast), so memory stays flat and
// storage goes on; when it comes back, listeners resync what their viewers missed.
import { createClient } from 'redis';

export interface RedisLinkOptions {
  /** How long start-up waits for Redis to answer. Default 5 s. */
  connectWaitMs?: number;
  /** Most commands queued while Redis does not answer; further ones fail at once. Default 1000. */
  queueMax?: number;
  log: { info(msg: string): void; error(msg: string): void };
}

export interface RedisLink {
  client: ReturnType<typeof createClient>;
  /** Redis answers now. */
  up(): boolean;
  /** Called each time Redis is back after an outage. */
  onRecovered(fn: () => void): void;
  close(): Promise<void>;
}

export async function connectRedis(url: string, options: RedisLinkOptions): Promise<RedisLink> {
  const waitMs = options.connectWaitMs ?? 5000;
  const client = createClient({
    url,
    commandsQueueMaxLength: options.queueMax ?? 1000,
    socket: {
      connectTimeout: waitMs,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
    },
  });
  let lastError = '';
  let down = false;
  let started = false;
  const recovered = new Set<() => void>();
  client.on('error', (err: Error) => {
    // One line per outage, not one per reconnect attempt.
    if (started && !down) options.log.error(`redis: ${err.message}; live fan-out to other nodes is paused`);
    lastError = err.message || (err as NodeJS.ErrnoException).code || String(err);
    if (started) down = true;
  });
  client.on('end', () => {
    if (started) down = true;
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    options.log.info('redis: connected again; resyncing viewers from the store');
    for (const fn of recovered) fn();
  });
  const connecting = client.connect();
  connecting.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${waitMs} ms${lastError ? ` (${lastError})` : ''}`)),
      waitMs,
    );
  });
  try {
    await Promise.race([connecting, deadline]);
  } catch (err) {
    await client.destroy();
    throw new Error(`cannot connect to redis at ${url}: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  started = true;
  return {
    client,
    up: () => client.isReady,
    onRecovered: (fn) => recovered.add(fn),
    close: async () => {
      recovered.clear();
      await client.destroy();
    },
  };
}
