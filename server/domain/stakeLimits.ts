// What a game accepts, from the economy version in force: the currencies it lists (its bet limits,
// its prices) and, per currency, the smallest and largest stake. The single-player games
// (server/games/) and the crash tables refuse with these, before any money moves.
import type { BetLimits, CurrencyId } from '../../shared/economy.ts';
import { Reason } from '../../shared/reasons.ts';
import { Refused } from './errors.ts';

/** `table[currency]` of a game's params (its limits, its prices); a currency the game does not list is refused naming `currency`. */
export function acceptedIn<T>(game: string, table: Readonly<Record<CurrencyId, T>>, currency: CurrencyId): T {
  if (Object.hasOwn(table, currency)) return table[currency];
  throw new Refused(Reason.CURRENCY_NOT_ACCEPTED, `currency ${currency} is not accepted by ${game}; it accepts ${Object.keys(table).join(', ')}`);
}

/** Refuses a stake the game does not take in `currency` (naming `currency`) or outside that currency's limits (naming `field`, with the limits). */
export function checkLimits(game: string, limits: Readonly<Record<CurrencyId, BetLimits>>, currency: CurrencyId, stake: number, field = 'bet'): void {
  const { min, max } = acceptedIn(game, limits, currency);
  if (stake < min || stake > max) throw new Refused(Reason.BET_OUT_OF_LIMITS, `${field} must be between ${min} and ${max} ${currency} for ${game}, not ${stake}`);
}
