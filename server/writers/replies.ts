// The one place where failures become nack codes (docs/ARCHITECTURE.md "Conventions"), with the
// replies every writer shares. Imports nothing from the rooms or their cross-room calls, which
// import it (ServerShuttingDown is thrown by playerRooms.ts and mapped here).
import { JoinErrorCode, type Ack, type Nack, type NackDetail } from '../../shared/protocol.ts';
import { Reason, REASON_CODES } from '../../shared/reasons.ts';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { CommitFailed } from '../store/mutation.ts';
import { isTransient } from '../store/sql.ts';
import { isRefusalMessage } from '../rooms/joinAuth.ts';

export type Reply = { ack: Ack } | { nack: Nack };

export function ack(id: string, result: unknown): Reply {
  return { ack: { id, result } };
}

export function nack(id: string | null, code: Nack['code'], message: string, retryable = false, reason?: Reason, details?: readonly NackDetail[]): { nack: Nack } {
  return { nack: { id, code, message, retryable, ...(reason === undefined ? {} : { reason }), ...(details === undefined ? {} : { details: [...details] }) } };
}

/** The server is shutting down: no player room is created or called any more. */
export class ServerShuttingDown extends Error {
  constructor() {
    super('the server is shutting down; try again on another server');
  }
}

/** A retried id whose payload differs from the command first sent under it. */
export function mismatch(id: string): Reply {
  return nack(id, 'IDEMPOTENCY_MISMATCH', 'this id was already used for a different command; use a new id for a new command');
}

/** A shared room's writer lost its fence to a newer room: the command goes there. */
export function replaced(id: string): Reply {
  return nack(id, 'UNAVAILABLE', 'this room was replaced by a newer one; join again and resend with the same id', true);
}

export function failureReply(id: string, error: unknown, logger: Logger, context: object): Reply {
  if (error instanceof DomainError) return nack(id, error.code, error.message, error.retryable, error.reason, error.details);
  if (error instanceof CommitFailed && error.reason === 'soldOut') {
    return nack(id, REASON_CODES.NOT_ENOUGH_STOCK, 'the last units of this itemId went to another buyer first; nothing was charged', false, Reason.NOT_ENOUGH_STOCK);
  }
  if (error instanceof CommitFailed) {
    return nack(id, 'UNAVAILABLE', `the command was not saved (${error.message}); send it again with the same id`, true);
  }
  if (error instanceof ServerShuttingDown) return unavailable(id);
  // A read that storage refused, or the room that owns the change unreachable (its process died,
  // or it could not load): nothing may have happened yet, and a retry with the same id is safe.
  if (isTransient(error) || unreachableRoom(error)) {
    // Classified by a code or a message only: logged with its stack, so that an error misread as
    // transient (a bug whose message says "timeout") is not retried away unseen.
    logger.warn({ ...context, commandId: id, err: error }, 'command answered UNAVAILABLE: storage or the owning room unavailable');
    return unavailable(id);
  }
  logger.error({ ...context, commandId: id, err: error }, 'command failed unexpectedly');
  return nack(id, 'INTERNAL', 'the server failed to process this command; it has been logged', false);
}

function unavailable(id: string): Reply {
  return nack(id, 'UNAVAILABLE', 'storage or the room that owns this change is unavailable; send the command again with the same id', true);
}

/**
 * A room that could not be reached or loaded: Colyseus' remote room call timing out, another
 * process not answering the matchmaker (`ipc_timeout`), or a room refusing to load for want of
 * storage (503) — here with its code, or from another process, whose matchmaker passes on only the
 * message (joinAuth.ts).
 */
function unreachableRoom(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = String(message);
  return code === JoinErrorCode.UNAVAILABLE || isRefusalMessage(text, 'UNAVAILABLE') || text === 'ipc_timeout' || /^remote room \(.*\) timed out/.test(text);
}
