// Exchanging one currency for another at the economy's published rate, through the house: two
// transfers, `amount` of `from` from the player to the house and floor(amount × get / give) of `to`
// from the house to the player (INV-5 holds in each currency on its own). Rounding is always
// down, so an exchange never gives more than the rate says; a chain of exchanges that comes back to
// where it started could only gain if the published rates multiplied to more than 1 around it,
// which the economy's validation refuses (profitableLoop, server/economy/references.ts).
import type { WalletExchangeResult } from '../../shared/commands.ts';
import type { CurrencyId, Economy, ExchangeRate } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { Reason } from '../../shared/reasons.ts';
import { Refused } from './errors.ts';
import { SystemAccount, transfer } from './ledger.ts';
import { applyTransfers, balanceOf, type Decision, type Player } from './player.ts';

export const EXCHANGE_REASON = 'wallet.exchange';

/** A currency the economy in force does not have: refused naming the command's field. */
export function unknownCurrency(field: string, currency: CurrencyId): Refused {
  return new Refused(Reason.UNKNOWN_CURRENCY, `${field} ${currency} is not a currency of the economy`);
}

/** The rate published from `from` to `to`, if any (rates are one-way). */
export function rateFor(economy: Economy, from: CurrencyId, to: CurrencyId): ExchangeRate | undefined {
  return economy.exchange.find((r) => r.from === from && r.to === to);
}

/** What `amount` of a rate's `from` buys: floor(amount × get / give), exactly (no float rounding). */
export function exchanged(amount: number, rate: Pick<ExchangeRate, 'give' | 'get'>): number {
  return Number((BigInt(amount) * BigInt(rate.get)) / BigInt(rate.give));
}

export function exchange(player: Player, economy: Economy, economyVersion: number, command: { id: string; from: CurrencyId; to: CurrencyId; amount: number }): Decision<WalletExchangeResult> {
  const { id, from, to, amount } = command;
  if (!Object.hasOwn(economy.currencies, from)) throw unknownCurrency('from', from);
  if (!Object.hasOwn(economy.currencies, to)) throw unknownCurrency('to', to);
  const rate = rateFor(economy, from, to);
  if (!rate) throw new Refused(Reason.NO_RATE, `no exchange rate from ${from} to ${to} is published`);
  const received = exchanged(amount, rate);
  if (received === 0) {
    throw new Refused(Reason.EXCHANGE_TOO_SMALL, `amount ${amount} of ${from} buys less than 1 ${to} at ${rate.give} ${from} for ${rate.get} ${to}; exchange at least ${Math.ceil(rate.give / rate.get)}`);
  }
  if (!Number.isSafeInteger(received)) throw new Refused(Reason.TOTAL_TOO_LARGE, `amount ${amount} of ${from} buys more ${to} than any balance can hold`);
  const transfers = [transfer(player.userId, SystemAccount.house, amount, from, EXCHANGE_REASON, id, id), transfer(SystemAccount.house, player.userId, received, to, EXCHANGE_REASON, id, id)];
  const next = applyTransfers(player, transfers, 'amount');
  const balances = { [from]: balanceOf(next, from), [to]: balanceOf(next, to) };
  return {
    next,
    transfers,
    events: [
      { type: EventType.balanceChanged, data: { delta: -amount, balance: balances[from], currency: from, reason: EXCHANGE_REASON, ref: id } },
      { type: EventType.balanceChanged, data: { delta: received, balance: balances[to], currency: to, reason: EXCHANGE_REASON, ref: id } },
    ],
    result: { from, to, spent: amount, received, balances, economyVersion },
  };
}
