// Effects that other rooms owe a player (a task bounty, a crash cash-out), applied by the player's
// own room: gold from a system account and XP, with the events a client shows.
import { GOLD } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { transfer, type Transfer } from './ledger.ts';
import { grantXp } from './levels.ts';
import { applyTransfers, balanceOf, emptyStats, type Decision, type Player } from './player.ts';

export type Effect = { key: string; userId: string; fromAccount: string; gold: number; xp: number; reason: string; ref: string | null };

/** The command id under which a player's room records that it applied an effect (the stores
 *  find applied effects by it: server/store/effectsStore.ts spells it in SQL). */
export function effectCommandId(key: string): string {
  return `fx:${key}`;
}

export type EffectResult = { key: string; gold: number; xp: number; balance: number };

export function applyEffect(player: Player, effect: Effect): Decision<EffectResult> {
  const transfers: Transfer[] = effect.gold > 0 ? [transfer(effect.fromAccount, player.userId, effect.gold, GOLD, effect.reason, effect.ref, null)] : [];
  let paid = applyTransfers(player, transfers, 'gold');
  // A game's payout (reason `<game>.payout`, e.g. crash.payout) counts in that game's stats.
  const game = effect.reason.endsWith('.payout') ? effect.reason.slice(0, -'.payout'.length) : null;
  if (game) {
    const stats = paid.stats[game] ?? emptyStats();
    paid = { ...paid, stats: { ...paid.stats, [game]: { ...stats, won: stats.won + 1, paidOut: stats.paidOut + effect.gold } } };
  }
  const balance = balanceOf(paid, GOLD);
  const xp = grantXp(paid, effect.xp);
  const events = [];
  if (effect.gold > 0) {
    events.push({ type: EventType.balanceChanged, data: { delta: effect.gold, balance, currency: GOLD, reason: effect.reason, ref: effect.ref } });
  }
  events.push({ type: EventType.rewardGranted, data: { source: effect.reason, gold: effect.gold, items: {} } });
  return { next: xp.next, transfers, events: [...events, ...xp.events], result: { key: effect.key, gold: effect.gold, xp: effect.xp, balance } };
}
