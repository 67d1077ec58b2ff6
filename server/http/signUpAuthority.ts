// Who asks for a guest account on POST /auth/guest: anyone (counted against the address'
// GUEST_SIGNUPS_PER_HOUR), or an admin who sends `Authorization: Bearer <admin token>` (not
// counted). Load runs from one machine sign up more users than a player's address ever needs; an
// admin token, which only the admin password gets, lets the operator authorise that without
// raising the limit for every stranger. A header that is not an admin's bearer token is refused,
// never taken for an anonymous sign-up: a client that meant to be authorised learns it is not.
import { SessionRefused, SessionUnknown } from '../auth/sessions.ts';
import type { Tokens } from '../auth/tokens.ts';
import { httpError } from './json.ts';

export const AUTHORIZATION_HEADER = 'authorization';

/** `anonymous`: no Authorization header; `admin`: a valid admin token; a Response: the refusal. */
export type SignUpAuthority = 'anonymous' | 'admin' | Response;

const BEARER = /^Bearer +(\S+)$/i;

export async function signUpAuthority(tokens: Pick<Tokens, 'verify'>, authorization: string | null): Promise<SignUpAuthority> {
  if (authorization === null) return 'anonymous';
  const token = BEARER.exec(authorization.trim())?.[1];
  if (token === undefined) return httpError(401, 'UNAUTHORIZED', 'the Authorization header must be "Bearer <admin token>" (from POST /auth/admin), or left out');
  try {
    const identity = await tokens.verify(token);
    if (identity.role === 'admin') return 'admin';
    return httpError(403, 'FORBIDDEN', 'the Authorization header carries a player token: only an admin token (POST /auth/admin) authorises guest sign-ups; leave the header out to sign up as anyone');
  } catch (error) {
    // A revoked admin session is refused as a join would refuse it; storage down is retryable.
    if (error instanceof SessionRefused) return httpError(error.code === 'FORBIDDEN' ? 403 : 401, error.code, `the Authorization header's token: ${error.message}`);
    if (error instanceof SessionUnknown) return httpError(503, 'UNAVAILABLE', 'storage is unavailable; try again shortly');
    return httpError(401, 'UNAUTHORIZED', "the Authorization header's token is invalid or expired; sign in again with POST /auth/admin");
  }
}
