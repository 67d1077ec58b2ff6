// XP and levels, defined once. Level n needs 100 * (n - 1)^2 XP in total (level 2 at 100 XP,
// 3 at 400, 4 at 900, ...). XP comes from wagers (1 per 10 of the stake, at least 1 per game, in
// whatever currency), daily claims and task bounties (their XP is the economy's:
// rewards.streak.xp, rewards.bounty.xp). Reaching a level pays that level's reward from
// the economy's `rewards.levelUp` (currencies minted to the player, items into the inventory) in
// the same decision as the XP that reached it.
import type { Economy, Grants } from '../../shared/economy.ts';
import { GOLD } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { SystemAccount, transfer, type Transfer } from './ledger.ts';
import { addItems, applyTransfers, balanceOf, type DomainEvent, type Player } from './player.ts';

/** What each level reached pays (economy.rewards.levelUp); a level not listed pays nothing. */
export type LevelUpRewards = Economy['rewards']['levelUp'];

export function xpForWager(bet: number): number {
  return Math.max(1, Math.floor(bet / 10));
}

export function levelForXp(xp: number): number {
  return Math.floor(Math.sqrt(xp / 100)) + 1;
}

export function xpForLevel(level: number): number {
  return 100 * (level - 1) ** 2;
}

/**
 * Adds XP; returns the player, the transfers and the events: xp.changed always, level.up when it
 * levelled, then for each level reached that `levelUp` rewards, its balance.changed (one per
 * currency) and reward.granted. The rewards' transfers come from the mint, reason `level.up`,
 * ref `level:<n>`, under `commandId`.
 */
export function grantXp(player: Player, xp: number, levelUp: LevelUpRewards, commandId: string | null): { next: Player; transfers: Transfer[]; events: DomainEvent[] } {
  if (xp <= 0) return { next: player, transfers: [], events: [] };
  const total = player.xp + xp;
  const level = levelForXp(total);
  let next: Player = { ...player, xp: total, level };
  const transfers: Transfer[] = [];
  const events: DomainEvent[] = [{ type: EventType.xpChanged, data: { xp: total, level } }];
  if (level > player.level) events.push({ type: EventType.levelUp, data: { level, previous: player.level } });
  for (const reward of levelUp) {
    if (reward.level <= player.level || reward.level > level) continue;
    const granted = grantLevelReward(next, reward.level, reward.grants, commandId);
    next = granted.next;
    transfers.push(...granted.transfers);
    events.push(...granted.events);
  }
  return { next, transfers, events };
}

function grantLevelReward(player: Player, level: number, grants: Grants, commandId: string | null): { next: Player; transfers: Transfer[]; events: DomainEvent[] } {
  const ref = `level:${level}`;
  const amounts = Object.entries(grants.currencies ?? {}).filter(([, amount]) => amount > 0);
  const transfers = amounts.map(([currency, amount]) => transfer(SystemAccount.mint, player.userId, amount, currency, 'level.up', ref, commandId));
  const paid = applyTransfers(player, transfers, 'level');
  const items = grants.items ?? {};
  const next = { ...paid, inventory: addItems(paid.inventory, items) };
  const events: DomainEvent[] = amounts.map(([currency, amount]) => ({ type: EventType.balanceChanged, data: { delta: amount, balance: balanceOf(next, currency), currency, reason: 'level.up', ref } }));
  events.push({ type: EventType.rewardGranted, data: { source: 'level.up', gold: grants.currencies?.[GOLD] ?? 0, currencies: Object.fromEntries(amounts), items } });
  return { next, transfers, events };
}
