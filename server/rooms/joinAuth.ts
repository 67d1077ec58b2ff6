// Who may join which room: the protocol version first, then the token, then the room's own rule.
import { ServerError } from '@colyseus/core';
import { isPlainText } from '../../shared/plainText.ts';
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

export async function authenticate(tokens: Tokens, token: string | undefined): Promise<Identity> {
  if (!token) throw refuse('UNAUTHORIZED', 'a token is required; sign in with POST /auth/guest or /auth/admin');
  try {
    return await tokens.verify(token);
  } catch (error) {
    if (error instanceof SessionRefused) throw refuse(error.code, error.message);
    if (error instanceof SessionUnknown) throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
    throw refuse('UNAUTHORIZED', 'the token is invalid or expired; sign in again');
  }
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
  if (options.userId === identity.userId) {
    // Tokens signed before sign-in refused control characters (issue 16) can still carry one;
    // PostgreSQL refuses NUL, so the room could never load: a clear 400 instead of 503 forever.
    if (!isPlainText(identity.name)) throw refuse('INVALID_INPUT', 'the display name in this token holds control characters; sign in again with another name');
    options.displayName = identity.name;
  }
}
