// Effects that other rooms owe a player (a task bounty, a crash cash-out), applied by the player's
// own room: money from a system account, in the effect's currency, and XP, with the events a client
// shows.
import { GOLD, type CurrencyId } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { transfer, type Transfer } from './ledger.ts';
import { grantXp, type LevelUpRewards } from './levels.ts';
import { applyTransfers, balanceOf, emptyStats, statsKey, type Decision, type Player } from './player.ts';

export type Effect = { key: string; userId: string; fromAccount: string; currency: CurrencyId; amount: number; xp: number; reason: string; ref: string | null };

/** The command id under which a player's room records that it applied an effect (the stores
 *  find applied effects by it: server/store/effectsStore.ts spells it in SQL). */
export function effectCommandId(key: string): string {
  return `fx:${key}`;
}

export type EffectResult = { key: string; currency: CurrencyId; amount: number; xp: number; balance: number };

/** `levelUp`: what reaching a level pays in the economy version in force (the effect's XP may reach one). */
export function applyEffect(player: Player, effect: Effect, levelUp: LevelUpRewards): Decision<EffectResult> {
  const { currency, amount } = effect;
  const transfers: Transfer[] = amount > 0 ? [transfer(effect.fromAccount, player.userId, amount, currency, effect.reason, effect.ref, null)] : [];
  let paid = applyTransfers(player, transfers, 'amount');
  // A game's payout (reason `<game>.payout`, e.g. crash.payout) counts in that game's stats, in its currency's (statsKey).
  const game = effect.reason.endsWith('.payout') ? effect.reason.slice(0, -'.payout'.length) : null;
  if (game) {
    const key = statsKey(game, currency);
    const stats = paid.stats[key] ?? emptyStats();
    paid = { ...paid, stats: { ...paid.stats, [key]: { ...stats, won: stats.won + 1, paidOut: stats.paidOut + amount } } };
  }
  const balance = balanceOf(paid, currency);
  // The level's reward, like the effect's own transfer, names no command (the effect's key is its ref).
  const xp = grantXp(paid, effect.xp, levelUp, null);
  const events = [];
  if (amount > 0) {
    events.push({ type: EventType.balanceChanged, data: { delta: amount, balance, currency, reason: effect.reason, ref: effect.ref } });
  }
  events.push({ type: EventType.rewardGranted, data: { source: effect.reason, gold: currency === GOLD ? amount : 0, currencies: amount > 0 ? { [currency]: amount } : {}, items: {} } });
  return { next: xp.next, transfers: [...transfers, ...xp.transfers], events: [...events, ...xp.events], result: { key: effect.key, currency, amount, xp: effect.xp, balance } };
}
