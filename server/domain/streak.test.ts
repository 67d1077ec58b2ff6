// The daily streak as a pure rule: reward table, chain growth, reset after a missed day, once per day.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventType } from '../../shared/events.ts';
import { DomainError } from './errors.ts';
import { SystemAccount } from './ledger.ts';
import { freshFairness } from './fairness.ts';
import { balanceOf, type Player } from './player.ts';
import { claimStreak, streakReward } from './streak.ts';

const TODAY = 20_000;

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-alice', displayName: 'alice', wallet: { gold: 0 }, xp: 0, level: 1, stats: {}, inventory: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('server-seed', 'client-seed'), ...overrides };
}

describe('streakReward', () => {
  test('grows by 50 per day from 100 and is capped at day 7', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(streakReward), [100, 150, 200, 250, 300, 350, 400]);
    assert.equal(streakReward(8), 400);
    assert.equal(streakReward(30), 400);
  });
});

describe('claimStreak', () => {
  test('the first claim is day 1 and mints the day-1 reward to the player', () => {
    const { next, transfers, events, result } = claimStreak(player({ wallet: { gold: 7 } }), TODAY, 'cmd-first-1');
    assert.deepEqual(result, { day: 1, reward: 100, balance: 107 });
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
    const { next, result, transfers } = claimStreak(player({ wallet: { gold: 250 }, streakDay: 3, lastClaimDay: TODAY - 1 }), TODAY, 'cmd-consec-1');
    assert.deepEqual(result, { day: 4, reward: 250, balance: 500 });
    assert.equal(next.streakDay, 4);
    assert.equal(transfers[0].amount, 250);
  });

  test('the chain keeps growing past day 7 while the reward stays at 400', () => {
    const { result } = claimStreak(player({ streakDay: 7, lastClaimDay: TODAY - 1 }), TODAY, 'cmd-capped-1');
    assert.deepEqual(result, { day: 8, reward: 400, balance: 400 });
  });

  test('a missed day starts the chain again at day 1', () => {
    const { next, result } = claimStreak(player({ wallet: { gold: 10 }, streakDay: 5, lastClaimDay: TODAY - 2 }), TODAY, 'cmd-missed-1');
    assert.deepEqual(result, { day: 1, reward: 100, balance: 110 });
    assert.equal(next.streakDay, 1);
    assert.equal(next.lastClaimDay, TODAY);
  });

  test('a second claim on the same UTC day is a CONFLICT and changes nothing', () => {
    const before = player({ wallet: { gold: 100 }, streakDay: 1, lastClaimDay: TODAY });
    const snapshot = structuredClone(before);
    assert.throws(
      () => claimStreak(before, TODAY, 'cmd-again-1'),
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
    const { transfers, events, next } = claimStreak(player({ wallet: { gold: 42 }, streakDay: 1, lastClaimDay: TODAY - 1 }), TODAY, 'cmd-balance-1');
    const credited = transfers.filter((t) => t.to === 'u-alice').reduce((s, t) => s + t.amount, 0);
    const changed = events.find((e) => e.type === EventType.balanceChanged)!.data as { delta: number; balance: number };
    const granted = events.find((e) => e.type === EventType.rewardGranted)!.data as { gold: number };
    assert.equal(changed.delta, credited);
    assert.equal(granted.gold, credited);
    assert.equal(changed.balance, balanceOf(next, 'gold'));
    assert.equal(balanceOf(next, 'gold') - 42, changed.delta);
  });
});
