// A crash bet's stake, taken by the player's own room before the table accepts the bet: the stake
// moves into escrow, in the bet's currency (INV-8: a debit that must happen first is a synchronous owner call).
import type { CurrencyId } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { SystemAccount, transfer } from './ledger.ts';
import { grantXp, xpForWager, type LevelUpRewards } from './levels.ts';
import { applyTransfers, balanceOf, emptyStats, statsKey, type Decision, type Player } from './player.ts';

export const CRASH_GAME = 'crash';

/** `balance`: the player's balance in the stake's `currency`. */
export type CrashStakeResult = { roundId: number; amount: number; currency: CurrencyId; balance: number };

/** `levelUp`: what reaching a level pays in the economy version in force (the stake's XP may reach one). */
export function stakeCrashBet(player: Player, table: string, roundId: number, amount: number, currency: CurrencyId, commandId: string, levelUp: LevelUpRewards): Decision<CrashStakeResult> {
  const ref = `crash:${table}:${roundId}`;
  const transfers = [transfer(player.userId, SystemAccount.escrow, amount, currency, 'crash.bet', ref, commandId)];
  const paid = applyTransfers(player, transfers, 'amount');
  const balance = balanceOf(paid, currency);
  const key = statsKey(CRASH_GAME, currency);
  const stats = player.stats[key] ?? emptyStats();
  const next: Player = { ...paid, stats: { ...player.stats, [key]: { ...stats, played: stats.played + 1, wagered: stats.wagered + amount } } };
  const xp = grantXp(next, xpForWager(amount), levelUp, commandId);
  return {
    next: xp.next,
    transfers: [...transfers, ...xp.transfers],
    events: [{ type: EventType.balanceChanged, data: { delta: -amount, balance, currency, reason: 'crash.bet', ref } }, ...xp.events],
    result: { roundId, amount, currency, balance },
  };
}
