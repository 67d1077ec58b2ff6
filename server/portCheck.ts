// `npm start` while another Coffer (or anything else) holds PORT: on the ws transport Colyseus'
// listen never settled (Node printed EADDRINUSE and the process hung, neither serving nor exiting),
// and uWebSockets.js reported success without a socket, so the log said "coffer is listening".
// And a bind alone does not tell: uWS listens with SO_REUSEPORT, so a second uWS Coffer (or a
// Node listener) binds the same port beside it, and the kernel shares the connections between
// two servers with different data. So before anything is opened or written, the port is asked
// whether anything answers on it, then bound with Node's own listen.
import { connect, createServer } from 'node:net';

export class PortUnavailable extends Error {}

/** What to tell the operator when `port` cannot be bound (the errno of the failed listen). */
export function portUnavailable(port: number, code?: string): PortUnavailable {
  return new PortUnavailable(
    code === 'EACCES'
      ? `PORT ${port} needs privileges this process does not have; choose a port above 1023`
      : `PORT ${port} is already in use (another Coffer, or another program); stop it or set PORT to a free port`,
  );
}

/** Whether something accepts connections on 127.0.0.1:`port` (refused, or no answer within 1 s: no). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', timeout: 1000 });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Resolves when nothing answers on `port` and it can be bound on every interface; throws PortUnavailable otherwise. */
export async function assertPortFree(port: number): Promise<void> {
  if (await answers(port)) throw portUnavailable(port);
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? portUnavailable(port, error.code) : error));
    probe.listen({ port, host: '0.0.0.0', exclusive: true }, resolve);
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
