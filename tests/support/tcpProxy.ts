// A TCP proxy a test can cut and restore, to take a storage service away from one server without
// touching the shared PostgreSQL or Redis: cut() destroys every proxied connection and refuses new
// ones (accepted, then destroyed at once: the client sees a reset), restore() accepts again.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

export type TcpProxy = {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  cut(): void;
  /** A storage that hangs rather than refuses: open connections stop carrying bytes either way
   *  and new ones are accepted but never forwarded (no error, no answer). cut() ends it. */
  stall(): void;
  restore(): void;
  /** Connections accepted and forwarded since the start. */
  readonly forwarded: number;
  close(): Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let cut = false;
  let stalled = false;
  let forwarded = 0;
  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    if (stalled) {
      open.add(client);
      client.on('error', () => client.destroy());
      return;
    }
    forwarded++;
    const upstream = connect(target.port, target.host);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const proxy: TcpProxy = {
    port,
    through(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      cut = true;
      stalled = false;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    stall() {
      stalled = true;
      for (const socket of open) {
        socket.unpipe();
        socket.pause();
      }
    },
    restore() {
      cut = false;
      stalled = false;
    },
    get forwarded() {
      return forwarded;
    },
    async close() {
      proxy.cut();
      server.close();
      await once(server, 'close');
    },
  };
  return proxy;
}
