// Daily streak: once per UTC day, minted from the mint account. Claiming on consecutive days grows
// the chain (and the reward, up to day 7); missing a day starts again at day 1. Each claim earns XP.
import type { StreakClaimResult } from '../../shared/commands.ts';
import { GOLD } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { Reason } from '../../shared/reasons.ts';
import { Refused } from './errors.ts';
import { SystemAccount, transfer } from './ledger.ts';
import { grantXp, XP_PER_CLAIM } from './levels.ts';
import { applyTransfers, balanceOf, type Decision, type Player } from './player.ts';

export const STREAK_BASE_REWARD = 100;
export const STREAK_STEP = 50;
export const STREAK_MAX_DAY = 7;

export function streakReward(day: number): number {
  return STREAK_BASE_REWARD + STREAK_STEP * (Math.min(day, STREAK_MAX_DAY) - 1);
}

export function claimStreak(player: Player, today: number, commandId: string): Decision<StreakClaimResult> {
  if (player.lastClaimDay === today) {
    throw new Refused(Reason.ALREADY_CLAIMED, 'the daily streak was already claimed today; come back after 00:00 UTC');
  }
  const day = player.lastClaimDay === today - 1 ? player.streakDay + 1 : 1;
  const reward = streakReward(day);
  const transfers = [transfer(SystemAccount.mint, player.userId, reward, GOLD, 'streak.claim', `day:${today}`, commandId)];
  const next = { ...applyTransfers(player, transfers, 'reward'), streakDay: day, lastClaimDay: today };
  const balance = balanceOf(next, GOLD);
  const xp = grantXp(next, XP_PER_CLAIM);
  return {
    next: xp.next,
    transfers,
    events: [
      { type: EventType.balanceChanged, data: { delta: reward, balance, currency: GOLD, reason: 'streak.claim', ref: `day:${today}` } },
      { type: EventType.rewardGranted, data: { source: 'streak', gold: reward, currencies: { [GOLD]: reward }, items: {} } },
      ...xp.events,
    ],
    result: { day, reward, balance },
  };
}
