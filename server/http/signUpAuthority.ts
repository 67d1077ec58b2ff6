// Who asks for a guest account on POST /auth/guest: anyone (counted against the address'
// GUEST_SIGNUPS_PER_HOUR), or an admin who sends `Authorization: Bearer <admin token>` (not
// counted). Load runs from one machine sign up more users than a player's address ever needs; an
// admin token, which only the admin password gets, lets the operator authorise that without
// raising the limit for every stranger. A header that is not an admin's bearer token is refused,
// never taken for an anonymous sign-up: a client that meant to be authorised learns it is not.
import type { Tokens } from '../auth/tokens.ts';
import { adminBearer } from './adminBearer.ts';

export { AUTHORIZATION_HEADER } from './adminBearer.ts';

/** `anonymous`: no Authorization header; `admin`: a valid admin token; a Response: the refusal. */
export type SignUpAuthority = 'anonymous' | 'admin' | Response;

export async function signUpAuthority(tokens: Pick<Tokens, 'verify'>, authorization: string | null): Promise<SignUpAuthority> {
  if (authorization === null) return 'anonymous';
  const admin = await adminBearer(tokens, authorization, 'guest sign-ups without the address limit (leave the header out to sign up as anyone)');
  return admin instanceof Response ? admin : 'admin';
}
