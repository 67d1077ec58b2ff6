// The exchange form's arithmetic, over the rates the current economy publishes (shared/economy.ts
// ExchangeRate): which pair is offered, and what an amount would get (the server's own rule,
// server/domain/exchange.ts).
import { exchanged } from '../../../server/domain/exchange.ts';
import type { ExchangeRate } from '../../../shared/economy.ts';

/** What `amount` of the rate's `from` currency yields, or null for an amount the server would refuse as such. */
export function received(rate: ExchangeRate, amount: number): number | null {
  return Number.isSafeInteger(amount) && amount > 0 ? exchanged(amount, rate) : null;
}

/** The pair offered: the one picked while a rate for it is published, else the first published. */
export function pickRate(rates: ExchangeRate[], from: string, to: string): ExchangeRate | undefined {
  const fromRates = rates.filter((r) => r.from === from);
  return fromRates.find((r) => r.to === to) ?? fromRates[0] ?? rates[0];
}

/** Each id once, in the order first seen. */
export function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
