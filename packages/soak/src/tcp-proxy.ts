import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { SoakProxyError } from './errors';

/** A TCP proxy in front of a server (Postgres) that can make it unreachable. */
export interface TcpProxy {
  /** The port the services connect to, on 127.0.0.1. */
  readonly port: number;
  /** Connections forwarded so far. */
  readonly connections: number;
  /** Whether new connections are refused right now. */
  readonly down: boolean;
  /**
   * Cuts every open connection and refuses new ones for `ms`; resolves when the target is reachable again.
   * Outages that overlap extend each other.
   */
  outage(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a proxy on a free port that forwards every connection to `target`. While an outage lasts, open
 * connections are cut and new ones are accepted and closed at once, as a server that has gone away.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let downUntil = 0;
  let connections = 0;
  const isDown = () => Date.now() < downUntil;

  const server = createServer((client) => {
    if (isDown()) {
      client.destroy();
      return;
    }
    connections += 1;
    const upstream = tcpConnect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new SoakProxyError('the TCP proxy could not listen', { cause })));
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new SoakProxyError('the TCP proxy has no port');

  return {
    port: address.port,
    get connections() {
      return connections;
    },
    get down() {
      return isDown();
    },
    async outage(ms) {
      downUntil = Math.max(downUntil, Date.now() + ms);
      for (const socket of open) socket.destroy();
      while (isDown()) await new Promise((resolve) => setTimeout(resolve, Math.min(250, ms)));
    },
    async stop() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A Postgres URL with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: Pick<TcpProxy, 'port'>): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return proxied.toString();
}
