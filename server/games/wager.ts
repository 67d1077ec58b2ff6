// The money of one play, written once for every game: the stake goes to the house and the payout
// comes back as two transfers in the play's currency (so the ledger shows wager and payout apart),
// the game's stats grow, the wager earns XP, and the player sees balance.changed (when the balance
// moved) and reward.granted (when items were won). A module's decision calls it with what its rules
// decided, after `acceptedIn` or `checkLimits` (server/domain/stakeLimits.ts) has checked the
// currency and the stake against the game's params.
import type { CurrencyId } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { SystemAccount, transfer, type Transfer } from '../domain/ledger.ts';
import { grantXp, xpForWager, type LevelUpRewards } from '../domain/levels.ts';
import { addItems, applyTransfers, balanceOf, emptyStats, statsKey, type DomainEvent, type Player } from '../domain/player.ts';

export type Wager = {
  /** The game's id (stats key; reasons `game.<id>.bet`, `game.<id>.payout`, `game.<id>`). */
  game: string;
  /** The currency of the stake and the payout. */
  currency: CurrencyId;
  /** Paid to the house. */
  stake: number;
  /** Paid back by the house (0 for a loss). */
  payout: number;
  /** How many plays count as won in the stats. */
  won: number;
  /** How many plays count as played (default 1). */
  played?: number;
  /** Items the play puts in the inventory. */
  items?: Record<string, number>;
  /** The command field that asked for the stake, named by INSUFFICIENT_FUNDS (default `bet`). */
  field?: string;
  /** The stake's ledger reason (default `game.<game>.bet`). */
  stakeReason?: string;
  /** The command id: the transfers' ref and command. */
  commandId: string;
  /** What reaching a level pays (the play's `levelUp`): the wager's XP may reach one. */
  levelUp: LevelUpRewards;
};

/** The player after the play, its transfers (the level-up rewards' last) and its events (XP events last). Throws InsufficientFunds when the stake is not covered. */
export function settleWager(player: Player, wager: Wager): { next: Player; transfers: Transfer[]; events: DomainEvent[] } {
  const { game, currency, stake, payout, commandId } = wager;
  const transfers: Transfer[] = [transfer(player.userId, SystemAccount.house, stake, currency, wager.stakeReason ?? `game.${game}.bet`, commandId, commandId)];
  if (payout > 0) transfers.push(transfer(SystemAccount.house, player.userId, payout, currency, `game.${game}.payout`, commandId, commandId));
  const paid = applyTransfers(player, transfers, wager.field ?? 'bet');
  const key = statsKey(game, currency);
  const stats = player.stats[key] ?? emptyStats();
  const next: Player = {
    ...paid,
    inventory: wager.items ? addItems(player.inventory, wager.items) : paid.inventory,
    stats: {
      ...player.stats,
      [key]: { played: stats.played + (wager.played ?? 1), won: stats.won + wager.won, wagered: stats.wagered + stake, paidOut: stats.paidOut + payout },
    },
  };
  const events: DomainEvent[] = [];
  if (payout !== stake) events.push({ type: EventType.balanceChanged, data: { delta: payout - stake, balance: balanceOf(next, currency), currency, reason: `game.${game}`, ref: commandId } });
  if (wager.items) events.push({ type: EventType.rewardGranted, data: { source: game, gold: 0, currencies: {}, items: wager.items } });
  const xp = grantXp(next, xpForWager(stake), wager.levelUp, commandId);
  return { next: xp.next, transfers: [...transfers, ...xp.transfers], events: [...events, ...xp.events] };
}
