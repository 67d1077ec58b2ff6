// How much of an HTTP request's body the server reads (server/transport.ts enforces it as the body
// streams in: a declared size over the limit is answered 413 unread, a longer stream is cut).
// Sign-in and matchmaking bodies are a few hundred bytes; an economy document published over HTTP
// (POST /economy, economyPublishRoute.ts) is a game's whole economy, easily 10-50 KB, which no
// WebSocket frame may carry (MAX_PAYLOAD_BYTES stays small for every socket).

/** Largest body of any request but POST /economy. */
export const MAX_HTTP_BODY_BYTES = 64 * 1024;

/** Largest body of POST /economy (docs/PROTOCOL.md "Authentication (HTTP)"). */
export const MAX_ECONOMY_BODY_BYTES = 1024 * 1024;

export const ECONOMY_PUBLISH_PATH = '/economy';

/** The limit for a request, by its method and path (without the query). */
export function bodyLimitOf(method: string, path: string): number {
  return method.toUpperCase() === 'POST' && path === ECONOMY_PUBLISH_PATH ? MAX_ECONOMY_BODY_BYTES : MAX_HTTP_BODY_BYTES;
}
