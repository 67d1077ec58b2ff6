// Double-entry rules (INV-5, docs/ARCHITECTURE.md): value moves only as transfers between two
// accounts, in one currency, with a positive whole amount; player accounts never go below zero in any
// currency. System accounts may go negative. Σ of every account's balance is 0 per currency.
import type { CurrencyId } from '../../shared/economy.ts';

export const SystemAccount = {
  mint: 'mint',
  house: 'house',
  shop: 'shop',
  bounty: 'bounty',
  escrow: 'escrow',
} as const;
export type SystemAccount = (typeof SystemAccount)[keyof typeof SystemAccount];

export type Transfer = {
  from: string;
  to: string;
  amount: number;
  currency: CurrencyId;
  reason: string;
  ref: string | null;
  commandId: string | null;
};

export function transfer(from: string, to: string, amount: number, currency: CurrencyId, reason: string, ref: string | null, commandId: string | null): Transfer {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`transfer amount must be a positive safe integer, got ${amount}`);
  if (from === to) throw new RangeError(`transfer from ${from} to itself`);
  return { from, to, amount, currency, reason, ref, commandId };
}

/** Net change of `account` in `currency` over `transfers`. */
export function netDelta(account: string, currency: CurrencyId, transfers: readonly Transfer[]): number {
  let delta = 0;
  for (const t of transfers) {
    if (t.currency !== currency) continue;
    if (t.to === account) delta += t.amount;
    if (t.from === account) delta -= t.amount;
  }
  return delta;
}

/** The currencies `transfers` move, each once, in first-seen order. */
export function currenciesOf(transfers: readonly Transfer[]): CurrencyId[] {
  return [...new Set(transfers.map((t) => t.currency))];
}
