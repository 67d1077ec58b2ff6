// Exchanging one currency for another at the economy's published rate, through the house: two
// transfers, `amount` of `from` from the player to the house and floor(amount × get / give) of `to`
// from the house to the player (INV-5 holds in each currency on its own). Rounding is always
// down, so an exchange never gives more than the rate says; a chain of exchanges that comes back to
// where it started can only gain if the published rates multiply to more than 1 around it, which
// `profitableLoops` finds (for the economy's validation to refuse).
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

/** A ratio as whole numbers, compared exactly. */
type Ratio = { num: bigint; den: bigint };
const greater = (a: Ratio, b: Ratio) => a.num * b.den > b.num * a.den;

/**
 * The currencies from which a chain of published rates comes back with more than it started
 * (before rounding): where the rates multiply to more than 1 around a loop, rounding down does not
 * stop a player from making money by exchanging in circles. Empty for rates that are consistent
 * (each way the inverse of the other, or worse). Floyd–Warshall over the best product of rates,
 * in exact ratios.
 */
export function profitableLoops(rates: readonly ExchangeRate[]): CurrencyId[] {
  const currencies = [...new Set(rates.flatMap((r) => [r.from, r.to]))];
  const best = new Map<string, Ratio>();
  const key = (a: CurrencyId, b: CurrencyId) => `${a}\u0000${b}`;
  for (const r of rates) {
    const ratio = { num: BigInt(r.get), den: BigInt(r.give) };
    const known = best.get(key(r.from, r.to));
    if (!known || greater(ratio, known)) best.set(key(r.from, r.to), ratio);
  }
  for (const via of currencies) {
    for (const from of currencies) {
      const first = best.get(key(from, via));
      if (!first) continue;
      for (const to of currencies) {
        const second = best.get(key(via, to));
        if (!second) continue;
        const through = { num: first.num * second.num, den: first.den * second.den };
        const known = best.get(key(from, to));
        if (!known || greater(through, known)) best.set(key(from, to), through);
      }
    }
  }
  const one = { num: 1n, den: 1n };
  return currencies.filter((c) => {
    const loop = best.get(key(c, c));
    return loop !== undefined && greater(loop, one);
  });
}
