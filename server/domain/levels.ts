// XP and levels, defined once. Level n needs 100 * (n - 1)^2 XP in total (level 2 at 100 XP,
// 3 at 400, 4 at 900, ...). XP comes from wagers (1 per 10 gold wagered, at least 1 per game) and
// daily claims (25); later, task bounties.
import { EventType } from '../../shared/events.ts';
import type { DomainEvent, Player } from './player.ts';

export const XP_PER_CLAIM = 25;

export function xpForWager(bet: number): number {
  return Math.max(1, Math.floor(bet / 10));
}

export function levelForXp(xp: number): number {
  return Math.floor(Math.sqrt(xp / 100)) + 1;
}

export function xpForLevel(level: number): number {
  return 100 * (level - 1) ** 2;
}

/** Adds XP; returns the player and the events: xp.changed always, level.up when it levelled. */
export function grantXp(player: Player, xp: number): { next: Player; events: DomainEvent[] } {
  if (xp <= 0) return { next: player, events: [] };
  const total = player.xp + xp;
  const level = levelForXp(total);
  const events: DomainEvent[] = [{ type: EventType.xpChanged, data: { xp: total, level } }];
  if (level > player.level) events.push({ type: EventType.levelUp, data: { level, previous: player.level } });
  return { next: { ...player, xp: total, level }, events };
}
