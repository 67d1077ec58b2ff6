// XP, the level curve, and the economy's level-up rewards paid when a level is reached.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventType } from '../../shared/events.ts';
import { freshFairness } from './fairness.ts';
import { SystemAccount } from './ledger.ts';
import { grantXp, levelForXp, xpForLevel, xpForWager, type LevelUpRewards } from './levels.ts';
import { balanceOf, type Player } from './player.ts';

const player = (xp: number, level: number, wallet: Record<string, number> = { gold: 0 }): Player => ({ userId: 'u', displayName: 'u', wallet, xp, level, stats: {}, inventory: { 'herb-pouch': 1 }, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c') });

test('the level curve: level n from 100 * (n - 1)^2 XP', () => {
  assert.deepEqual([0, 99, 100, 399, 400, 899, 900, 10_000].map(levelForXp), [1, 1, 2, 2, 3, 3, 4, 11]);
  for (let level = 1; level < 50; level++) assert.equal(levelForXp(xpForLevel(level)), level);
});

test('wagers earn 1 XP per 10 of the stake, at least 1', () => {
  assert.deepEqual([1, 9, 10, 25, 1_000_000].map(xpForWager), [1, 1, 1, 2, 100_000]);
});

test('grantXp sends xp.changed every time and level.up when the level grows; no rewards, no transfers', () => {
  const small = grantXp(player(10, 1), 5, [], 'cmd-1');
  assert.deepEqual(small.events, [{ type: EventType.xpChanged, data: { xp: 15, level: 1 } }]);
  const up = grantXp(player(90, 1), 320, [], 'cmd-2');
  assert.equal(up.next.level, 3);
  assert.deepEqual(up.events.map((e) => e.type), [EventType.xpChanged, EventType.levelUp]);
  assert.deepEqual(up.events[1].data, { level: 3, previous: 1 });
  assert.deepEqual(up.transfers, []);
  assert.deepEqual(grantXp(player(0, 1), 0, [], 'cmd-3').events, []);
});

const REWARDS: LevelUpRewards = [
  { level: 2, grants: { currencies: { gold: 200 } } },
  { level: 3, grants: { currencies: { gold: 300, gems: 5 }, items: { 'crown-of-ages': 1, 'herb-pouch': 2 } } },
  { level: 5, grants: { items: { 'dragon-scale': 1 } } },
];

test('each level reached pays its reward from the mint: currencies as transfers, items into the inventory, with their events', () => {
  const { next, transfers, events } = grantXp(player(90, 1, { gold: 7 }), 320, REWARDS, 'cmd-up');
  assert.equal(next.level, 3);
  assert.deepEqual(transfers, [
    { from: SystemAccount.mint, to: 'u', amount: 200, currency: 'gold', reason: 'level.up', ref: 'level:2', commandId: 'cmd-up' },
    { from: SystemAccount.mint, to: 'u', amount: 300, currency: 'gold', reason: 'level.up', ref: 'level:3', commandId: 'cmd-up' },
    { from: SystemAccount.mint, to: 'u', amount: 5, currency: 'gems', reason: 'level.up', ref: 'level:3', commandId: 'cmd-up' },
  ]);
  assert.deepEqual(next.wallet, { gold: 507, gems: 5 });
  assert.deepEqual(next.inventory, { 'herb-pouch': 3, 'crown-of-ages': 1 });
  assert.deepEqual(events, [
    { type: EventType.xpChanged, data: { xp: 410, level: 3 } },
    { type: EventType.levelUp, data: { level: 3, previous: 1 } },
    { type: EventType.balanceChanged, data: { delta: 200, balance: 207, currency: 'gold', reason: 'level.up', ref: 'level:2' } },
    { type: EventType.rewardGranted, data: { source: 'level.up', gold: 200, currencies: { gold: 200 }, items: {} } },
    { type: EventType.balanceChanged, data: { delta: 300, balance: 507, currency: 'gold', reason: 'level.up', ref: 'level:3' } },
    { type: EventType.balanceChanged, data: { delta: 5, balance: 5, currency: 'gems', reason: 'level.up', ref: 'level:3' } },
    { type: EventType.rewardGranted, data: { source: 'level.up', gold: 300, currencies: { gold: 300, gems: 5 }, items: { 'crown-of-ages': 1, 'herb-pouch': 2 } } },
  ]);
});

test('a level already held, or not reached, pays nothing; a level not listed pays nothing', () => {
  const within = grantXp(player(410, 3), 100, REWARDS, 'cmd-same');
  assert.deepEqual([within.next.level, within.transfers, within.events.length], [3, [], 1]);
  const toFour = grantXp(player(410, 3), 500, REWARDS, 'cmd-four');
  assert.deepEqual([toFour.next.level, toFour.transfers], [4, []]);
  assert.equal(balanceOf(toFour.next, 'gold'), 0);
  const toFive = grantXp(toFour.next, 700, REWARDS, 'cmd-five');
  assert.equal(toFive.next.level, 5);
  assert.deepEqual(toFive.transfers, [], 'an items-only reward moves no currency');
  assert.equal(toFive.next.inventory['dragon-scale'], 1);
});
