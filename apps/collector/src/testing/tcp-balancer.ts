// Test helper: a minimal loopback TCP load balancer. Each new connection is piped to the first
// backend that accepts it, so when a collector node dies, clients reconnecting through the same URL
// land on the next one, as behind a real balancer with health checks.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpBalancer {
  url: string;
  /** Connections piped to each backend port so far. */
  connections: Map<number, number>;
  close(): Promise<void>;
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

export async function startTcpBalancer(backendPorts: () => readonly number[]): Promise<TcpBalancer> {
  const connections = new Map<number, number>();
  const open = new Set<Socket>();
  const server: Server = createServer(async (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    for (const port of backendPorts()) {
      let upstream: Socket;
      try {
        upstream = await dial(port);
      } catch {
        continue;
      }
      connections.set(port, (connections.get(port) ?? 0) + 1);
      open.add(upstream);
      upstream.once('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      return;
    }
    client.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
