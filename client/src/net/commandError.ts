// A refused command, carrying the server's nack: `message` is the sentence shown to the player.
import type { ErrorCode, Nack } from '../../../shared/protocol.ts';

export class CommandError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(nack: Pick<Nack, 'code' | 'message' | 'retryable'>) {
    super(nack.message);
    this.name = 'CommandError';
    this.code = nack.code;
    this.retryable = nack.retryable;
  }
}
