// uWebSockets.js when it loads; TRANSPORT=auto falls back to ws with one warning naming the reason,
// TRANSPORT=uws fails hard. Frame size and backpressure limits are set explicitly.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Transport } from '@colyseus/core';
import type { WebSocket } from 'ws';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { guardNodeServer, guardUwsRoute, guardUwsUpgrade, type EdgeLogger } from './edgeGuard.ts';
import type { Logger } from './observability/logger.ts';
import { portUnavailable } from './portCheck.ts';
import { bodyLimitOf } from './http/bodyLimits.ts';

export type TransportChoice = { transport: Transport; name: 'uws' | 'ws' };

/** Bytes a slow reader may have queued before uWS closes it (never a silent drop). */
export const MAX_BACKPRESSURE = 1024 * 1024;

/**
 * A slow HTTP client (slowloris) is cut off: uWS closes a connection whose request does not
 * complete within its own fixed timeouts (about 30 s when bytes trickle in); the ws transport's
 * Node server gets the bounds set here.
 */
export /** Above the largest HTTP body the server sends (the client bundle's biggest file, /metrics). */
const HTTP_RESPONSE_HIGH_WATER_MARK = 8 * 1024 * 1024;
const HTTP_HEADERS_TIMEOUT_MS = 10_000;
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;


/** Runs before every WebSocket upgrade; a Response refuses it (the Origin allowlist). `context.token` is the `_authToken` the transport read. */
export type BeforeUpgrade = (request: Request, context: { token?: unknown }) => Response | undefined | Promise<Response | undefined>;

/** Told of every WebSocket that opens (with its upgrade's headers) and closes (connectionLimits.ts). */
export type SocketCounter = { opened(headers: Headers): string; closed(address: string): void };

type UwsModule = typeof import('@colyseus/uwebsockets-transport');

/** What a server on the ws fallback gives up, and how to get uWS (docs/OPERATIONS.md "Node 24 and uWebSockets.js"). */
export const WS_FALLBACK_COSTS =
  'Everything works the same, but you lose the throughput and the memory per socket of uWS (BENCHMARKS.md, uWS vs ws: ' +
  'about 1.3x the commands per second). uWS 20.57 needs glibc 2.38 or newer: run on Debian 13, ' +
  'Ubuntu 24.04 or the node:24-trixie-slim image (Dockerfile), or on Debian 12 use the Node that .ci/provision builds ' +
  '(docs/OPERATIONS.md, "Node 24 and uWebSockets.js"). TRANSPORT=ws chooses ws without this warning.';

/** `loadUws` is replaceable so tests can see what happens when uWebSockets.js does not load. */
export async function createTransport(
  mode: 'auto' | 'uws' | 'ws',
  maxPayloadBytes: number,
  logger: Pick<Logger, 'warn'> & EdgeLogger,
  beforeUpgrade: BeforeUpgrade,
  loadUws: () => Promise<UwsModule> = () => import('@colyseus/uwebsockets-transport'),
  sockets: SocketCounter = { opened: () => '', closed: () => undefined },
): Promise<TransportChoice> {
  if (mode !== 'ws') {
    try {
      const { uWebSocketsTransport } = await loadUws();
      // Colyseus' uWS router (its `any` and `options` routes) sits behind the edge (edgeGuard.ts):
      // a request it cannot read is refused, a failure inside it is answered 500. It also reads a
      // whole body into memory before routing, however big: limitBody refuses a declared size over
      // the limit with 413 and cuts a longer stream.
      class BoundedUwsTransport extends uWebSocketsTransport {
        override bindRouter(router: Parameters<InstanceType<typeof uWebSocketsTransport>['bindRouter']>[0]) {
          const app = this.app;
          const [any, options] = [app.any.bind(app), app.options.bind(app)];
          app.any = (pattern, handler) => any(pattern, guardUwsRoute(handler, logger, limitBody));
          app.options = (pattern, handler) => options(pattern, guardUwsRoute(handler, logger, () => true));
          try {
            super.bindRouter(router);
          } finally {
            app.any = any;
            app.options = options;
          }
        }

        // uWS hands its listen callback no socket when the bind fails, and Colyseus took that for
        // success: the error goes to Colyseus' callback, which rejects server.listen (portCheck.ts
        // catches the common case earlier; this, a port taken in between).
        override listen(port: number, hostname?: string, backlog?: number, listening?: (error?: Error) => void): this {
          return super.listen(port, hostname, backlog, () => listening?.((this as unknown as { _listeningSocket: unknown })._listeningSocket ? undefined : portUnavailable(port)));
        }
      }
      guardUwsUpgrades(BoundedUwsTransport.prototype, sockets, logger);
      const transport = new BoundedUwsTransport({
        maxPayloadLength: maxPayloadBytes,
        maxBackpressure: MAX_BACKPRESSURE,
        closeOnBackpressureLimit: true,
        idleTimeout: 60,
        beforeUpgrade,
      });
      return { transport, name: 'uws' };
    } catch (error) {
      if (mode === 'uws') {
        throw new Error(`TRANSPORT=uws but uWebSockets.js does not load: ${firstLine(error)}`, { cause: error });
      }
      logger.warn({ reason: firstLine(error) }, `uWebSockets.js does not load (${firstLine(error)}); falling back to the ws transport. ${WS_FALLBACK_COSTS}`);
    }
  }
  const { WebSocketTransport } = await import('@colyseus/ws-transport');
  const server = createServer({
    headersTimeout: HTTP_HEADERS_TIMEOUT_MS,
    requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: 1000,
    // Colyseus' Node adapter (better-call's setResponse) ends a response only after a write that
    // returned true: a body bigger than the response's high-water mark (16 KB by default; the
    // client's app.js is 190 KB) was written, waited for 'drain', and then never ended, so the
    // browser client never loaded on the ws transport. Every body here is one chunk already in
    // memory, so a high-water mark above the largest one lets that one write return true.
    highWaterMark: HTTP_RESPONSE_HIGH_WATER_MARK,
  });
  // Before any listener: the socket's address stamped, a request that cannot be read refused,
  // failures inside a route caught (edgeGuard.ts), and the same body limit as on uWS (limitBody).
  guardNodeServer(server, logger, limitNodeBody);
  class BoundedWebSocketTransport extends WebSocketTransport {
    constructor() {
      super({ maxPayload: maxPayloadBytes, server, beforeUpgrade });
      this.wss.on('connection', closeOnBackpressure);
      this.wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
        const address = sockets.opened(nodeHeaders(req));
        wsAddresses.set(socket, address);
        socket.once('close', () => sockets.closed(address));
      });
    }
  }
  return { transport: new BoundedWebSocketTransport(), name: 'ws' };
}

/**
 * The uWS transport registers its WebSocket route in its constructor, on the `app` it just made;
 * an accessor on the subclass sees that app first and wraps `ws()`, so every upgrade passes the
 * edge (edgeGuard.ts) and its header walk carries the socket's address (clientAddress.ts).
 */
function guardUwsUpgrades(prototype: object, sockets: SocketCounter, logger: EdgeLogger): void {
  const apps = new WeakMap<object, TemplatedApp>();
  Object.defineProperty(prototype, 'app', {
    configurable: true,
    get(this: object) {
      return apps.get(this);
    },
    set(this: object, app: TemplatedApp) {
      const ws = app.ws.bind(app);
      type Counted = { context?: { headers: Headers }; cofferAddress?: string };
      app.ws = (pattern, behavior) =>
        ws(pattern, {
          ...behavior,
          upgrade: behavior.upgrade && guardUwsUpgrade(behavior.upgrade, logger),
          open: (socket) => {
            const data = socket.getUserData() as Counted;
            data.cofferAddress = sockets.opened(data.context?.headers ?? new Headers());
            return behavior.open?.(socket);
          },
          close: (socket, code, message) => {
            const address = (socket.getUserData() as Counted).cofferAddress;
            if (address !== undefined) sockets.closed(address);
            return behavior.close?.(socket, code, message);
          },
        });
      apps.set(this, app);
    },
  });
}

/** The ws transport's sockets' addresses, as SocketCounter.opened gave them. */
const wsAddresses = new WeakMap<object, string>();

/**
 * The client address (clientAddress.ts: the socket's, or what a trusted proxy reports) a room's
 * client connected from, as it was counted when its socket opened; `unknown` for a socket no
 * counter saw. A Colyseus client's `ref` is the ws socket itself, or uWS' wrapper around its own.
 */
export function addressOfClient(client: { ref: unknown }): string {
  const ref = client.ref as { ws?: { getUserData(): { cofferAddress?: string } } } | null;
  try {
    return (ref?.ws ? ref.ws.getUserData().cofferAddress : wsAddresses.get(ref ?? {})) || 'unknown';
  } catch {
    // uWS throws on a socket that closed meanwhile: it sends nothing more, its address no longer matters.
    return 'unknown';
  }
}

function limitBody(res: HttpResponse, req: HttpRequest): boolean {
  const limit = bodyLimitOf(req.getMethod(), req.getUrl());
  if (Number(req.getHeader('content-length') || 0) > limit) {
    const body = tooLarge(limit);
    res.cork(() => res.writeStatus('413 Payload Too Large').writeHeader('content-type', 'application/json').end(body, true));
    return false;
  }
  let received = 0;
  const onData = res.onData.bind(res);
  res.onData = (handler) =>
    onData((chunk, isLast) => {
      received += chunk.byteLength;
      if (received > limit) return void res.close();
      handler(chunk, isLast);
    });
  return true;
}

/** limitBody for Node's HTTP server: 413 for a declared size over the limit, the connection cut
 *  when a body without one grows past it. */
function limitNodeBody(req: IncomingMessage, res: ServerResponse): boolean {
  const limit = bodyLimitOf(req.method ?? '', (req.url ?? '').split('?')[0]!);
  if (Number(req.headers['content-length'] || 0) > limit) {
    const body = tooLarge(limit);
    // Unread: the connection closes after the answer, so the body is never taken in.
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(body);
    return false;
  }
  // Counted where the HTTP parser hands the body over (push), not with a 'data' listener, which
  // would start the stream flowing before the route is there to read it.
  let received = 0;
  const push = req.push.bind(req);
  req.push = (chunk: Buffer | null, encoding?: BufferEncoding) => {
    received += chunk?.byteLength ?? 0;
    if (received > limit) {
      req.socket.destroy();
      return false;
    }
    return push(chunk, encoding);
  };
  return true;
}

function tooLarge(limit: number): string {
  return JSON.stringify({ code: 'INVALID_INPUT', message: `the request body must be at most ${limit} bytes`, retryable: false });
}

function nodeHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  return headers;
}

/** ws queues without limit; like uWS, a socket with more than MAX_BACKPRESSURE queued is closed. */
function closeOnBackpressure(socket: WebSocket): void {
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  socket.send = ((...args: unknown[]) => {
    if (socket.bufferedAmount > MAX_BACKPRESSURE) return socket.terminate();
    send(...args);
  }) as WebSocket['send'];
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
