// An admin's bearer token on an HTTP request (`Authorization: Bearer <admin token>`, the token
// POST /auth/admin hands out): the admin's identity, or the refusal to answer with. Checked as a
// join checks a token (a revoked admin session is refused); storage down is retryable.
import { SessionRefused, SessionUnknown } from '../auth/sessions.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import { httpError } from './json.ts';

export const AUTHORIZATION_HEADER = 'authorization';

const BEARER = /^Bearer +(\S+)$/i;

/** `authorises`: what the token is for, in the refusal a player's token gets ("guest sign-ups"). */
export async function adminBearer(tokens: Pick<Tokens, 'verify'>, authorization: string | null, authorises: string): Promise<Identity | Response> {
  const token = authorization === null ? undefined : BEARER.exec(authorization.trim())?.[1];
  if (token === undefined) return httpError(401, 'UNAUTHORIZED', `the Authorization header must be "Bearer <admin token>" (from POST /auth/admin): it authorises ${authorises}`);
  try {
    const identity = await tokens.verify(token);
    if (identity.role === 'admin') return identity;
    return httpError(403, 'FORBIDDEN', `the Authorization header carries a player token: only an admin token (POST /auth/admin) authorises ${authorises}`);
  } catch (error) {
    if (error instanceof SessionRefused) return httpError(error.code === 'FORBIDDEN' ? 403 : 401, error.code, `the Authorization header's token: ${error.message}`);
    if (error instanceof SessionUnknown) return httpError(503, 'UNAVAILABLE', 'storage is unavailable; try again shortly');
    return httpError(401, 'UNAUTHORIZED', "the Authorization header's token is invalid or expired; sign in again with POST /auth/admin");
  }
}
