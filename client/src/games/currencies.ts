// Which currencies a game accepts, read from its parameters in the current economy (docs/ECONOMY.md):
// a bet game lists its bet `limits` per currency, a game paid per play its `pullPrice` per currency;
// crash bets take the currencies of the economy's `crash.limits`.
import { GOLD } from '../../../shared/economy.ts';
import { economy } from '../state/economy.ts';

/** A game's section of the current economy (`games.<id>`); undefined until it is loaded. */
export function gameParams(game: string): unknown {
  return economy.value?.economy.games[game];
}

/**
 * The currencies a game's parameters accept, in their order: the keys of its bet `limits`, or of
 * its `pullPrice` (a game paid per play). Gold alone while the economy is not loaded.
 */
export function acceptedCurrencies(params: unknown): string[] {
  if (params === undefined) return [GOLD];
  const p = params as { limits?: Record<string, unknown>; pullPrice?: Record<string, unknown> };
  return Object.keys(p.limits ?? p.pullPrice ?? {});
}

/** The currencies `game` accepts in the current economy. */
export function gameCurrencies(game: string): string[] {
  return acceptedCurrencies(gameParams(game));
}

/** The currencies crash bets accept in the current economy (its `crash.limits`). */
export function crashCurrencies(): string[] {
  return acceptedCurrencies(economy.value?.economy.crash);
}
