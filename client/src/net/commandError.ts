// A refused command, carrying the server's nack: `message` is the sentence shown to the player.
import type { ErrorCode, Nack } from '../../../shared/protocol.ts';
import type { Reason } from '../../../shared/reasons.ts';

export class CommandError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Why, when the code alone is ambiguous (SOLD_OUT, ALREADY_CLAIMED, ...): branch on this, not on the message. */
  readonly reason: Reason | undefined;

  constructor(nack: Pick<Nack, 'code' | 'message' | 'retryable' | 'reason'>) {
    super(nack.message);
    this.name = 'CommandError';
    this.code = nack.code;
    this.retryable = nack.retryable;
    this.reason = nack.reason;
  }
}
