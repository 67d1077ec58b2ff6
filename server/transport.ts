// uWebSockets.js when it loads; TRANSPORT=auto falls back to ws with one warning naming the reason,
// TRANSPORT=uws fails hard. Frame size and backpressure limits are set explicitly.
import type { Transport } from '@colyseus/core';
import type { Logger } from './observability/logger.ts';

export type TransportChoice = { transport: Transport; name: 'uws' | 'ws' };

/** Bytes a slow reader may have queued before uWS closes it (never a silent drop). */
export const MAX_BACKPRESSURE = 1024 * 1024;

type UwsModule = typeof import('@colyseus/uwebsockets-transport');

/** `loadUws` is replaceable so tests can see what happens when uWebSockets.js does not load. */
export async function createTransport(
  mode: 'auto' | 'uws' | 'ws',
  maxPayloadBytes: number,
  logger: Pick<Logger, 'warn'>,
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
  return { transport: new WebSocketTransport({ maxPayload: maxPayloadBytes }), name: 'ws' };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
