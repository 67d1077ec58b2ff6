// uWebSockets.js when it loads; TRANSPORT=auto falls back to ws with one warning naming the reason,
// TRANSPORT=uws fails hard. Frame size and backpressure limits are set explicitly.
import { createServer } from 'node:http';
import type { Transport } from '@colyseus/core';
import type { WebSocket } from 'ws';
import type { Logger } from './observability/logger.ts';

export type TransportChoice = { transport: Transport; name: 'uws' | 'ws' };

/** Bytes a slow reader may have queued before uWS closes it (never a silent drop). */
export const MAX_BACKPRESSURE = 1024 * 1024;

/**
 * A slow HTTP client (slowloris) is cut off: uWS closes a connection whose request does not
 * complete within its own fixed timeouts (about 30 s when bytes trickle in); the ws transport's
 * Node server gets the bounds set here.
 */
export const HTTP_HEADERS_TIMEOUT_MS = 10_000;
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;

/** Runs before every WebSocket upgrade; a Response refuses it (the Origin allowlist). */
export type BeforeUpgrade = (request: Request) => Response | undefined;

type UwsModule = typeof import('@colyseus/uwebsockets-transport');

/** `loadUws` is replaceable so tests can see what happens when uWebSockets.js does not load. */
export async function createTransport(
  mode: 'auto' | 'uws' | 'ws',
  maxPayloadBytes: number,
  logger: Pick<Logger, 'warn'>,
  beforeUpgrade: BeforeUpgrade,
  loadUws: () => Promise<UwsModule> = () => import('@colyseus/uwebsockets-transport'),
): Promise<TransportChoice> {
  if (mode !== 'ws') {
    try {
      const { uWebSocketsTransport } = await loadUws();
      const transport = new uWebSocketsTransport({
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
      logger.warn({ reason: firstLine(error) }, `uWebSockets.js does not load (${firstLine(error)}); falling back to the ws transport`);
    }
  }
  const { WebSocketTransport } = await import('@colyseus/ws-transport');
  const server = createServer({ headersTimeout: HTTP_HEADERS_TIMEOUT_MS, requestTimeout: HTTP_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 });
  class BoundedWebSocketTransport extends WebSocketTransport {
    constructor() {
      super({ maxPayload: maxPayloadBytes, server, beforeUpgrade });
      this.wss.on('connection', closeOnBackpressure);
    }
  }
  return { transport: new BoundedWebSocketTransport(), name: 'ws' };
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
