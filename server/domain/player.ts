// The player's economy as plain data: what the player room works on in memory and commits.
import type { CurrencyId } from '../../shared/economy.ts';
import type { EventPayloads } from '../../shared/events.ts';
import type { Transfer } from './ledger.ts';
import { currenciesOf, netDelta } from './ledger.ts';
import { InsufficientFunds } from './errors.ts';

export type GameStats = { played: number; won: number; wagered: number; paidOut: number };

export type Player = {
  userId: string;
  displayName: string;
  /** Balance per currency; a currency not listed is 0 (read it with balanceOf). */
  wallet: Record<CurrencyId, number>;
  xp: number;
  level: number;
  stats: Record<string, GameStats>;
  inventory: Record<string, number>;
  /** Units bought of each shop offer, in all (server/domain/shop.ts): the offers' per-player limits. */
  purchases: Record<string, number>;
  streakDay: number;
  /** UTC day number (floor(ms / 86_400_000)) of the last claim, or null. */
  lastClaimDay: number | null;
  /** Last seq written to the player's stream. */
  seq: number;
  fair: Fairness;
};

/** The provably fair state (shared/fair.ts): the secret seed, its public hash, the player's
 *  client seed and the nonce of the next outcome. */
export type Fairness = { serverSeed: string; serverSeedHash: string; clientSeed: string; nonce: number };

/**
 * An event before it has a seq: the room numbers events when it hands the mutation over. Typed by
 * event type from the shared registry, so a producer's wrong or missing field fails to compile.
 */
export type DomainEvent = { [K in keyof EventPayloads]: { type: K; data: EventPayloads[K] } }[keyof EventPayloads];

/** Units of a limited shop offer a command takes out of stock (checked again when it commits);
 *  `opening`: the offer's stock, what its counter starts at when this is its first sale. */
export type StockClaim = { itemId: string; qty: number; opening: number };

/** What a command decides: the next player, the transfers, the events and the ack result. */
export type Decision<R> = { next: Player; transfers: Transfer[]; events: DomainEvent[]; result: R; stock?: StockClaim[] };

/** The player's balance in `currency` (0 when the wallet has never held it). */
export function balanceOf(player: Pick<Player, 'wallet'>, currency: CurrencyId): number {
  return player.wallet[currency] ?? 0;
}

/**
 * Applies `transfers` to the player's wallet. In each currency, every debit must be covered by the
 * balance before any credit of the same command (a bet is paid before its outcome is known); a
 * credit in one currency never covers a debit in another. `field` names the command field that
 * asked for the money, for the error sentence.
 */
export function applyTransfers(player: Player, transfers: readonly Transfer[], field: string): Player {
  const wallet = { ...player.wallet };
  for (const currency of currenciesOf(transfers)) {
    const balance = balanceOf(player, currency);
    const spent = transfers.filter((t) => t.currency === currency && t.from === player.userId).reduce((sum, t) => sum + t.amount, 0);
    if (spent > balance) throw new InsufficientFunds(field, balance, spent, currency);
    wallet[currency] = balance + netDelta(player.userId, currency, transfers);
  }
  return { ...player, wallet };
}

export function emptyStats(): GameStats {
  return { played: 0, won: 0, wagered: 0, paidOut: 0 };
}

export function addItems(inventory: Record<string, number>, items: Record<string, number>): Record<string, number> {
  const next = { ...inventory };
  for (const [itemId, qty] of Object.entries(items)) next[itemId] = (next[itemId] ?? 0) + qty;
  return next;
}
