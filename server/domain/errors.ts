// Expected failures are values with fields, mapped to nack codes in one place (rooms/replies.ts).
import type { ErrorCode, NackDetail } from '../../shared/protocol.ts';
import { GOLD, type CurrencyId } from '../../shared/economy.ts';
import { REASON_CODES, type Reason } from '../../shared/reasons.ts';

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Set when the refusal has a reason (Refused); the nack carries it. */
  readonly reason: Reason | undefined;
  /** Every problem of a refused document, by JSON path (the nack's `details`). */
  readonly details: readonly NackDetail[] | undefined;
  constructor(code: ErrorCode, message: string, retryable = false, reason?: Reason, details?: readonly NackDetail[]) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.retryable = retryable;
    this.reason = reason;
    this.details = details;
  }
}

/** A refusal with a typed reason; its wire code comes from shared/reasons.ts. */
export class Refused extends DomainError {
  constructor(reason: Reason, message: string) {
    super(REASON_CODES[reason], message, false, reason);
    this.name = 'Refused';
  }
}

export class InsufficientFunds extends DomainError {
  readonly balance: number;
  readonly amount: number;
  readonly currency: CurrencyId;
  /** The sentence names the currency unless it is gold (protocol-1 clients' only currency). */
  constructor(field: string, balance: number, amount: number, currency: CurrencyId) {
    super('INSUFFICIENT_FUNDS', `${field} of ${amount} is more than your ${currency === GOLD ? '' : `${currency} `}balance of ${balance}`);
    this.balance = balance;
    this.amount = amount;
    this.currency = currency;
  }
}
