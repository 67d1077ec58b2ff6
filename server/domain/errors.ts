// Expected failures are values with fields, mapped to nack codes in one place (rooms/replies.ts).
import type { ErrorCode } from '../../shared/protocol.ts';

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, retryable = false) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.retryable = retryable;
  }
}

export class InsufficientFunds extends DomainError {
  readonly balance: number;
  readonly amount: number;
  constructor(field: string, balance: number, amount: number) {
    super('INSUFFICIENT_FUNDS', `${field} of ${amount} is more than your balance of ${balance}`);
    this.balance = balance;
    this.amount = amount;
  }
}
