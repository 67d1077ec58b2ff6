// Daily streak: once per UTC day, minted from the mint account. Claiming on consecutive days grows
// the chain; missing a day starts again at day 1. Day n pays the economy's
// rewards.streak.days[min(n, days) − 1] in rewards.streak.currency (the last day's reward from then
// on), and rewards.streak.xp XP.
import type { StreakClaimResult } from '../../shared/commands.ts';
import { GOLD, type Economy } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { Reason } from '../../shared/reasons.ts';
import { Refused } from './errors.ts';
import { SystemAccount, transfer } from './ledger.ts';
import { grantXp } from './levels.ts';
import { applyTransfers, balanceOf, type Decision, type Player } from './player.ts';

/** The streak's reward table (economy.rewards.streak). */
export type StreakRewards = Economy['rewards']['streak'];

/** What day `day` (from 1) of a chain pays. */
export function streakReward(streak: Pick<StreakRewards, 'days'>, day: number): number {
  return streak.days[Math.min(day, streak.days.length) - 1];
}

export function claimStreak(player: Player, today: number, commandId: string, rewards: Pick<Economy['rewards'], 'streak' | 'levelUp'>): Decision<StreakClaimResult> {
  if (player.lastClaimDay === today) {
    throw new Refused(Reason.ALREADY_CLAIMED, 'the daily streak was already claimed today; come back after 00:00 UTC');
  }
  const { currency } = rewards.streak;
  const day = player.lastClaimDay === today - 1 ? player.streakDay + 1 : 1;
  const reward = streakReward(rewards.streak, day);
  const transfers = [transfer(SystemAccount.mint, player.userId, reward, currency, 'streak.claim', `day:${today}`, commandId)];
  const next = { ...applyTransfers(player, transfers, 'reward'), streakDay: day, lastClaimDay: today };
  const balance = balanceOf(next, currency);
  const xp = grantXp(next, rewards.streak.xp, rewards.levelUp, commandId);
  return {
    next: xp.next,
    transfers: [...transfers, ...xp.transfers],
    events: [
      { type: EventType.balanceChanged, data: { delta: reward, balance, currency, reason: 'streak.claim', ref: `day:${today}` } },
      { type: EventType.rewardGranted, data: { source: 'streak', gold: currency === GOLD ? reward : 0, currencies: { [currency]: reward }, items: {} } },
      ...xp.events,
    ],
    result: { day, reward, currency, balance },
  };
}
