// The gacha: 1 or 10 pulls at GACHA_PULL_COST each, paid to the house. Rarities, odds, item pools
// and the 10-pull guarantee are part of the provably fair derivation (shared/fair.ts); pulled
// items land in the inventory in the same commit as the payment.
import type { GachaResult } from '../../shared/commands.ts';
import { EventType } from '../../shared/events.ts';
import { gachaPulls, isRareOrBetter } from '../../shared/fair.ts';
import { SystemAccount, transfer } from './ledger.ts';
import { grantXp, xpForWager } from './levels.ts';
import { addItems, applyTransfers, emptyStats, type Decision, type Player } from './player.ts';

export const GACHA_GAME = 'gacha';
export const GACHA_PULL_COST = 100;

/** Stats: `played` counts pulls, `won` the pulls that were rare or better, `wagered` the gold
 *  paid; `paidOut` stays 0 (the gacha pays in items, not gold). */
export function pullGacha(player: Player, pulls: number, commandId: string): Decision<GachaResult> {
  const { serverSeed, serverSeedHash, clientSeed, nonce } = player.fair;
  const cost = GACHA_PULL_COST * pulls;
  const transfers = [transfer(player.userId, SystemAccount.house, cost, 'game.gacha', commandId, commandId)];
  const paid = applyTransfers(player, transfers, 'pulls');
  const items = gachaPulls(serverSeed, clientSeed, nonce, pulls);
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.itemId] = (counts[item.itemId] ?? 0) + 1;
  const stats = player.stats[GACHA_GAME] ?? emptyStats();
  const next: Player = {
    ...paid,
    inventory: addItems(player.inventory, counts),
    fair: { ...player.fair, nonce: nonce + 1 },
    stats: {
      ...player.stats,
      [GACHA_GAME]: { played: stats.played + pulls, won: stats.won + items.filter((i) => isRareOrBetter(i.rarity)).length, wagered: stats.wagered + cost, paidOut: stats.paidOut },
    },
  };
  const xp = grantXp(next, xpForWager(cost));
  return {
    next: xp.next,
    transfers,
    events: [
      { type: EventType.balanceChanged, data: { delta: -cost, balance: next.balance, reason: 'game.gacha', ref: commandId } },
      { type: EventType.rewardGranted, data: { source: 'gacha', gold: 0, items: counts } },
      ...xp.events,
    ],
    result: { items, cost, balance: next.balance, proof: { game: GACHA_GAME, serverSeedHash, clientSeed, nonce, pulls } },
  };
}
