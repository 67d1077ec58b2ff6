// How a crash round is settled, from stored facts only (INV-9): the round as stored (its bets
// and cash-outs, whether it reached its running phase), its committed crash point and the stakes
// the players' rooms moved into escrow for it. Whoever settles (the room that ran the round, a
// successor after a crash or a restart, the late-stake sweep) computes the same thing, so the
// outcome never depends on which room settles it. Pure: no storage, no clock, no transport.
import type { Amounts, CurrencyId } from '../../../shared/economy.ts';
import type { CrashBet } from '../../domain/crash.ts';
import type { Effect } from '../../domain/effects.ts';
import { SystemAccount } from '../../domain/ledger.ts';

/** A stake in escrow: its command id (`stakeId`), whose it is and how much, in which currency. A
 *  bet's payout and refund are in its stake's currency. */
export type Stake = { stakeId: string; userId: string; amount: number; currency: CurrencyId };

/** What storage holds about a round when it is settled. */
export type StoredRound = {
  table: string;
  roundId: number;
  /** True once the commit that started the running phase is stored. */
  ran: boolean;
  bets: Record<string, CrashBet>;
};

export type Settlement = {
  /** `void`: the round never ran; every stake comes back. */
  outcome: 'crashed' | 'void';
  /** Escrow to house per currency: the stakes played (a currency with none is left out). */
  toHouse: Amounts;
  /** Owed to players: payouts from the house, refunds from escrow (each a Refund). */
  effects: Array<Effect | Refund>;
  /** Every stake id this settlement played or refunded (stored with the round). */
  handled: string[];
  /** Recorded bets whose stake is not in escrow: never happens while bets are recorded only after
   *  their stake committed; reported, and neither paid nor taken. */
  unstaked: string[];
};

/** The command id under which a player's room records a crash stake (and its transfer). */
export function stakeIdOf(table: string, betId: string): string {
  return `stake:crash:${table}:${betId}`;
}

/** The ledger ref of a round: every stake, payout and refund of it carries it. */
export function roundRef(table: string, roundId: number): string {
  return `crash:${table}:${roundId}`;
}

/**
 * The key of the effect refunding one stake: the same whoever refunds it (the settling room, a
 * successor, the late-stake sweep), so at most once; and distinct per stake. A stake id is a
 * command id, which is the player's own (another player may pick the same one) and may be used
 * again once its stored reply is pruned (IDEMPOTENCY_WINDOW_HOURS), in a later round: so the key
 * names the round and the player too. Every writer reads the stake from the round's escrow.
 */
export function refundKey(table: string, roundId: number, stake: Pick<Stake, 'userId' | 'stakeId'>): string {
  return `refund:${roundRef(table, roundId)}:${stake.userId}:${stake.stakeId}`;
}

/** The key refunds had before they named the round and the player: a refund stored under it (by a
 *  process of an earlier version) for the same player and round is this stake's, and is not owed
 *  again (effectsStore.ts, insertEffectsOnce). */
export function legacyRefundKey(stakeId: string): string {
  return `refund:${stakeId}`;
}

/** A refund, with the key it would have had before (see legacyRefundKey). */
export type Refund = Effect & { legacyKey: string };

function refund(stake: Stake, table: string, roundId: number): Refund {
  const key = refundKey(table, roundId, stake);
  return { key, userId: stake.userId, fromAccount: SystemAccount.escrow, currency: stake.currency, amount: stake.amount, xp: 0, reason: 'crash.refund', ref: roundRef(table, roundId), legacyKey: legacyRefundKey(stake.stakeId) };
}

/**
 * The rules: a round that ran is played as its committed crash point decided it (an acked
 * cash-out is paid, an acked bet without one is lost to the house), whatever happened to the room
 * meanwhile; only a round that never ran is void, and then every stake comes back. A stake without
 * a recorded bet (its table commit failed, or it came for a round already closed) is refunded.
 */
export function settleRound(round: StoredRound, stakes: readonly Stake[]): Settlement {
  const ref = roundRef(round.table, round.roundId);
  const outcome = round.ran ? 'crashed' : 'void';
  const unmatched = [...stakes];
  const effects: Effect[] = [];
  const handled: string[] = [];
  const unstaked: string[] = [];
  const toHouse: Amounts = {};
  for (const bet of Object.values(round.bets)) {
    const at = matchStake(unmatched, bet);
    if (at < 0) {
      unstaked.push(bet.userId);
      continue;
    }
    const [stake] = unmatched.splice(at, 1);
    handled.push(stake.stakeId);
    if (outcome === 'void') {
      effects.push(refund(stake, round.table, round.roundId));
      continue;
    }
    toHouse[stake.currency] = (toHouse[stake.currency] ?? 0) + stake.amount;
    if (bet.cashedOutAt !== null && bet.payout > 0) {
      effects.push({ key: `${ref}:${bet.userId}`, userId: bet.userId, fromAccount: SystemAccount.house, currency: stake.currency, amount: bet.payout, xp: 0, reason: 'crash.payout', ref });
    }
  }
  for (const stake of unmatched) {
    handled.push(stake.stakeId);
    effects.push(refund(stake, round.table, round.roundId));
  }
  return { outcome, toHouse, effects, handled, unstaked };
}

/** The stakes a settled round's settlement did not see (they committed after it): each refunded. */
export function lateStakeRefunds(table: string, roundId: number, handled: readonly string[], stakes: readonly Stake[]): Refund[] {
  const seen = new Set(handled);
  return stakes.filter((s) => !seen.has(s.stakeId)).map((s) => refund(s, table, roundId));
}

/**
 * The stake of a recorded bet: the player's own one with its id (command ids are each player's
 * own: another player's stake may carry the same); a bet stored before bets carried their stake
 * id is matched to a stake of the same player and amount.
 */
function matchStake(stakes: readonly Stake[], bet: CrashBet): number {
  if (bet.stakeId !== undefined) return stakes.findIndex((s) => s.stakeId === bet.stakeId && s.userId === bet.userId);
  return stakes.findIndex((s) => s.userId === bet.userId && s.amount === bet.amount);
}
