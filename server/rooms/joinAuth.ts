// Who may join which room: the protocol version first, then the token, then the room's own rule.
import { ServerError } from '@colyseus/core';
import { isDisplayName } from '../../shared/plainText.ts';
import { JoinErrorCode, PROTOCOL_VERSION, type ErrorCode } from '../../shared/protocol.ts';
import { SessionRefused, SessionUnknown } from '../auth/sessions.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';

type JoinRefusal = keyof typeof JoinErrorCode;

export function refuse(code: JoinRefusal & ErrorCode, message: string): ServerError {
  return new ServerError(JoinErrorCode[code], `${code}: ${message}`);
}

/** Whether `message` is that of a `refuse(code, ...)`: all that Colyseus passes on of a refusal made on another process. */
export function isRefusalMessage(message: string, code: JoinRefusal & ErrorCode): boolean {
  return message.startsWith(`${code}: `);
}

export function checkProtocol(options: unknown): void {
  const version = (options as { protocol?: unknown } | null)?.protocol;
  if (typeof version !== 'number' || version < PROTOCOL_VERSION) {
    throw refuse('CLIENT_TOO_OLD', `this server speaks protocol ${PROTOCOL_VERSION}; pass { protocol: ${PROTOCOL_VERSION} } in the join options`);
  }
  if (version > PROTOCOL_VERSION) {
    throw refuse('SERVER_TOO_OLD', `this server speaks protocol ${PROTOCOL_VERSION}, older than the client's ${version}`);
  }
}

/**
 * The token's signature and session (not revoked, not banned), and its name by today's rules, in
 * every room: a token signed before a rule existed is judged by it all the same.
 */
export async function authenticate(tokens: Tokens, token: unknown): Promise<Identity> {
  if (!token) throw refuse('UNAUTHORIZED', 'a token is required; sign in with POST /auth/guest or /auth/admin');
  let identity: Identity;
  try {
    // Not a string (a query naming _authToken twice): fast-jwt refuses it like any bad token.
    identity = await tokens.verify(token as string);
  } catch (error) {
    if (error instanceof SessionRefused || error instanceof SessionUnknown) throw sessionRefusal(error);
    throw refuse('UNAUTHORIZED', 'the token is invalid or expired; sign in again');
  }
  judgeName(identity);
  return identity;
}

/** A session check that failed, as the join refusal it is (storage down is UNAVAILABLE, retryable). */
export function sessionRefusal(error: unknown): ServerError {
  if (error instanceof SessionRefused) return refuse(error.code, error.message);
  return refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
}

/**
 * Tokens signed before sign-in refused control characters, bidi controls or zero-width
 * characters can still carry one; PostgreSQL refuses NUL, so a player room could never load, and
 * the others would show the name: a clear 400 instead.
 */
export function judgeName(identity: Identity): void {
  if (!isDisplayName(identity.name)) {
    throw refuse('INVALID_INPUT', 'the display name in this token holds control characters, bidi controls or zero-width characters; sign in again with another name');
  }
}

/** The admin room's rule: admins only. */
export function adminsOnly(identity: Identity): void {
  if (identity.role !== 'admin') throw refuse('FORBIDDEN', 'the admin room is for admins; sign in with POST /auth/admin');
}

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A player joins only their own player room; an admin may watch any (read-only). The room is found
 * by `userId` (filterBy), so it is filled in from the token when the client leaves it out.
 */
export function authorizePlayerRoom(identity: Identity, options: Record<string, unknown>): void {
  options.userId ??= identity.userId;
  if (typeof options.userId !== 'string' || !USER_ID.test(options.userId)) {
    throw refuse('INVALID_INPUT', 'userId must be 1-64 characters of [A-Za-z0-9_-]');
  }
  if (identity.role !== 'admin' && options.userId !== identity.userId) {
    throw refuse('FORBIDDEN', "you may only join your own player room");
  }
  if (identity.role === 'admin' && options.userId === identity.userId) {
    throw refuse('FORBIDDEN', 'admins have no player room; pass the userId of the player to watch');
  }
  // The name was judged by authenticate().
  if (options.userId === identity.userId) options.displayName = identity.name;
}
