// A refused command, carrying the server's nack: `message` is the sentence shown to the player.
import type { ErrorCode, Nack, NackDetail } from '../../../shared/protocol.ts';
import type { Reason } from '../../../shared/reasons.ts';

export class CommandError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Why, when the code alone is ambiguous (SOLD_OUT, ALREADY_CLAIMED, ...): branch on this, not on the message. */
  readonly reason: Reason | undefined;
  /** Every problem of a refused document, each at its JSON path (admin.economy.publish); empty otherwise. */
  readonly details: NackDetail[];

  constructor(nack: Pick<Nack, 'code' | 'message' | 'retryable' | 'reason' | 'details'>) {
    super(nack.message);
    this.name = 'CommandError';
    this.code = nack.code;
    this.retryable = nack.retryable;
    this.reason = nack.reason;
    this.details = nack.details ?? [];
  }
}
