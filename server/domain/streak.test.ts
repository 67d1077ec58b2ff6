// The daily streak as a pure rule over the economy's reward table: chain growth, reset after a
// missed day, once per day, the reward's currency and XP, and the level it may reach.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventType } from '../../shared/events.ts';
import { DomainError } from './errors.ts';
import { SystemAccount } from './ledger.ts';
import { freshFairness } from './fairness.ts';
import { balanceOf, type Player } from './player.ts';
import { claimStreak, streakReward } from './streak.ts';
import { defaultEconomy } from '../economy/defaultEconomy.ts';

const TODAY = 20_000;
/** Today's rewards: economy/default.json. */
const REWARDS = defaultEconomy.rewards;

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-alice', displayName: 'alice', wallet: { gold: 0 }, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('server-seed', 'client-seed'), ...overrides };
}

describe('streakReward', () => {
  test("today's table (economy/default.json) grows by 50 per day from 100 and stays at day 7's from then on", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((day) => streakReward(REWARDS.streak, day)), [100, 150, 200, 250, 300, 350, 400]);
    assert.equal(streakReward(REWARDS.streak, 8), 400);
    assert.equal(streakReward(REWARDS.streak, 30), 400);
  });

  test('day n pays days[min(n, days) − 1] of whatever table the economy publishes', () => {
    const short = { days: [5, 9] };
    assert.deepEqual([1, 2, 3, 10].map((day) => streakReward(short, day)), [5, 9, 9, 9]);
  });
});

describe('claimStreak', () => {
  test('the first claim is day 1 and mints the day-1 reward to the player', () => {
    const { next, transfers, events, result } = claimStreak(player({ wallet: { gold: 7 } }), TODAY, 'cmd-first-1', REWARDS);
    assert.deepEqual(result, { day: 1, reward: 100, currency: 'gold', balance: 107 });
    assert.equal(balanceOf(next, 'gold'), 107);
    assert.equal(next.streakDay, 1);
    assert.equal(next.lastClaimDay, TODAY);
    assert.deepEqual(transfers, [{ from: SystemAccount.mint, to: 'u-alice', amount: 100, currency: 'gold', reason: 'streak.claim', ref: `day:${TODAY}`, commandId: 'cmd-first-1' }]);
    assert.deepEqual(events, [
      { type: EventType.balanceChanged, data: { delta: 100, balance: 107, currency: 'gold', reason: 'streak.claim', ref: `day:${TODAY}` } },
      { type: EventType.rewardGranted, data: { source: 'streak', gold: 100, currencies: { gold: 100 }, items: {} } },
      { type: EventType.xpChanged, data: { xp: 25, level: 1 } },
    ]);
    assert.equal(next.xp, 25, 'a claim earns XP');
  });

  test('a claim the day after the last one continues the chain', () => {
    const { next, result, transfers } = claimStreak(player({ wallet: { gold: 250 }, streakDay: 3, lastClaimDay: TODAY - 1 }), TODAY, 'cmd-consec-1', REWARDS);
    assert.deepEqual(result, { day: 4, reward: 250, currency: 'gold', balance: 500 });
    assert.equal(next.streakDay, 4);
    assert.equal(transfers[0].amount, 250);
  });

  test('the chain keeps growing past day 7 while the reward stays at 400', () => {
    const { result } = claimStreak(player({ streakDay: 7, lastClaimDay: TODAY - 1 }), TODAY, 'cmd-capped-1', REWARDS);
    assert.deepEqual(result, { day: 8, reward: 400, currency: 'gold', balance: 400 });
  });

  test('a missed day starts the chain again at day 1', () => {
    const { next, result } = claimStreak(player({ wallet: { gold: 10 }, streakDay: 5, lastClaimDay: TODAY - 2 }), TODAY, 'cmd-missed-1', REWARDS);
    assert.deepEqual(result, { day: 1, reward: 100, currency: 'gold', balance: 110 });
    assert.equal(next.streakDay, 1);
    assert.equal(next.lastClaimDay, TODAY);
  });

  test('a second claim on the same UTC day is a CONFLICT and changes nothing', () => {
    const before = player({ wallet: { gold: 100 }, streakDay: 1, lastClaimDay: TODAY });
    const snapshot = structuredClone(before);
    assert.throws(
      () => claimStreak(before, TODAY, 'cmd-again-1', REWARDS),
      (error: unknown) => {
        assert.ok(error instanceof DomainError);
        assert.equal(error.code, 'CONFLICT');
        assert.equal(error.reason, 'ALREADY_CLAIMED');
        assert.equal(error.retryable, false);
        assert.match(error.message, /already claimed today/);
        return true;
      },
    );
    assert.deepEqual(before, snapshot, 'the player is not mutated');
  });

  test('the events balance: balance.changed delta equals the transfers into the player', () => {
    const { transfers, events, next } = claimStreak(player({ wallet: { gold: 42 }, streakDay: 1, lastClaimDay: TODAY - 1 }), TODAY, 'cmd-balance-1', REWARDS);
    const credited = transfers.filter((t) => t.to === 'u-alice').reduce((s, t) => s + t.amount, 0);
    const changed = events.find((e) => e.type === EventType.balanceChanged)!.data as { delta: number; balance: number };
    const granted = events.find((e) => e.type === EventType.rewardGranted)!.data as { gold: number };
    assert.equal(changed.delta, credited);
    assert.equal(granted.gold, credited);
    assert.equal(changed.balance, balanceOf(next, 'gold'));
    assert.equal(balanceOf(next, 'gold') - 42, changed.delta);
  });

  test("the economy in force decides: another version's days, currency and XP", () => {
    const gems = { ...REWARDS, streak: { currency: 'gems', days: [3, 6], xp: 40 } };
    const { next, transfers, events, result } = claimStreak(player({ wallet: { gold: 10 }, streakDay: 4, lastClaimDay: TODAY - 1 }), TODAY, 'cmd-gems-1', gems);
    assert.deepEqual(result, { day: 5, reward: 6, currency: 'gems', balance: 6 });
    assert.deepEqual(next.wallet, { gold: 10, gems: 6 });
    assert.deepEqual(transfers, [{ from: SystemAccount.mint, to: 'u-alice', amount: 6, currency: 'gems', reason: 'streak.claim', ref: `day:${TODAY}`, commandId: 'cmd-gems-1' }]);
    assert.deepEqual(events.slice(0, 2), [
      { type: EventType.balanceChanged, data: { delta: 6, balance: 6, currency: 'gems', reason: 'streak.claim', ref: `day:${TODAY}` } },
      { type: EventType.rewardGranted, data: { source: 'streak', gold: 0, currencies: { gems: 6 }, items: {} } },
    ]);
    assert.equal(next.xp, 40);
  });

  test('a claim whose XP reaches a level pays that level’s reward in the same decision', () => {
    const rewards = { ...REWARDS, levelUp: [{ level: 2, grants: { currencies: { gold: 500 }, items: { 'silver-ring': 1 } } }] };
    const { next, transfers, events } = claimStreak(player({ xp: 90 }), TODAY, 'cmd-level-1', rewards);
    assert.equal(next.level, 2);
    assert.deepEqual(transfers.map((t) => [t.from, t.amount, t.currency, t.reason, t.ref]), [
      [SystemAccount.mint, 100, 'gold', 'streak.claim', `day:${TODAY}`],
      [SystemAccount.mint, 500, 'gold', 'level.up', 'level:2'],
    ]);
    assert.equal(balanceOf(next, 'gold'), 600);
    assert.deepEqual(next.inventory, { 'silver-ring': 1 });
    assert.deepEqual(events.map((e) => e.type), ['balance.changed', 'reward.granted', 'xp.changed', 'level.up', 'balance.changed', 'reward.granted']);
  });
});
