// Reconnections skip onAuth: Colyseus fills a seat it kept for a dropped client (allowReconnection)
// from the reconnection token alone. So a kicked, banned or revoked user could come back into a
// board or crash room within the seat's 20 s (issue 16). Every WebSocket upgrade that carries a
// reconnection token must also carry a token (`_authToken`, which the SDK sends) that still passes
// the session check; player rooms check their owner again in onReconnect.
import { httpError } from '../http/json.ts';
import { SessionRefused, SessionUnknown } from './sessions.ts';
import type { Tokens } from './tokens.ts';

export function reconnectGuard(tokens: Tokens): (request: Request) => Promise<Response | undefined> {
  return async (request) => {
    const query = new URL(request.url).searchParams;
    if (!query.has('reconnectionToken')) return undefined;
    try {
      await tokens.verify(query.get('_authToken') ?? '');
      return undefined;
    } catch (error) {
      if (error instanceof SessionRefused) return httpError(error.code === 'FORBIDDEN' ? 403 : 401, error.code, error.message);
      if (error instanceof SessionUnknown) return httpError(503, 'UNAVAILABLE', 'storage is unavailable; try again shortly');
      return httpError(401, 'UNAUTHORIZED', 'a reconnection needs a valid token; sign in again');
    }
  };
}
