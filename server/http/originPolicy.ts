// Which browser pages may talk to this server: the server's own origin, plus ALLOWED_ORIGINS (`*` =
// any). Requests without an Origin header (bots, k6, other servers) are not a browser's and pass.
// Tokens travel in headers, never cookies, so another site cannot ride a player's session; the
// allowlist keeps other sites' pages from using the server at all (signing in guests, holding
// sockets open from their visitors' browsers). Enforced on every HTTP route (matchmaking included)
// and on the WebSocket upgrade; CORS headers name an allowed origin only, never `*`.
import { matchMaker } from '@colyseus/core';
import { httpError } from './json.ts';

export type OriginPolicy = {
  allows(headers: Headers): boolean;
  /** `undefined` to go on, or the 403 to send (router `onRequest`, transport `beforeUpgrade`). */
  check(request: Request): Response | undefined;
};

export function originPolicy(allowed: '*' | string[]): OriginPolicy {
  const listed = new Set(allowed === '*' ? [] : allowed);
  const allows = (headers: Headers) => {
    const origin = headers.get('origin');
    if (origin === null || allowed === '*' || listed.has(origin)) return true;
    return URL.canParse(origin) && new URL(origin).host === headers.get('host');
  };
  return {
    allows,
    check: (request) =>
      allows(request.headers) ? undefined : httpError(403, 'FORBIDDEN', `origin ${JSON.stringify(request.headers.get('origin'))} is not allowed; add it to ALLOWED_ORIGINS`),
  };
}

/** Replaces Colyseus' CORS default (any origin echoed back, with credentials) with the policy's. */
export function applyCorsPolicy(policy: OriginPolicy): void {
  const controller = matchMaker.controller;
  delete (controller.DEFAULT_CORS_HEADERS as Record<string, string>)['Access-Control-Allow-Origin'];
  delete (controller.DEFAULT_CORS_HEADERS as Record<string, string>)['Access-Control-Allow-Credentials'];
  controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get('origin');
    return origin !== null && policy.allows(headers) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };
  };
}
