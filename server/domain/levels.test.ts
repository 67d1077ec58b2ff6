import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventType } from '../../shared/events.ts';
import { freshFairness } from './fairness.ts';
import { grantXp, levelForXp, xpForLevel, xpForWager } from './levels.ts';
import type { Player } from './player.ts';

const player = (xp: number, level: number): Player => ({ userId: 'u', displayName: 'u', wallet: { gold: 0 }, xp, level, stats: {}, inventory: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c') });

test('the level curve: level n from 100 * (n - 1)^2 XP', () => {
  assert.deepEqual([0, 99, 100, 399, 400, 899, 900, 10_000].map(levelForXp), [1, 1, 2, 2, 3, 3, 4, 11]);
  for (let level = 1; level < 50; level++) assert.equal(levelForXp(xpForLevel(level)), level);
});

test('wagers earn 1 XP per 10 gold, at least 1', () => {
  assert.deepEqual([1, 9, 10, 25, 1_000_000].map(xpForWager), [1, 1, 1, 2, 100_000]);
});

test('grantXp sends xp.changed every time and level.up when the level grows', () => {
  const small = grantXp(player(10, 1), 5);
  assert.deepEqual(small.events, [{ type: EventType.xpChanged, data: { xp: 15, level: 1 } }]);
  const up = grantXp(player(90, 1), 320);
  assert.equal(up.next.level, 3);
  assert.deepEqual(up.events.map((e) => e.type), [EventType.xpChanged, EventType.levelUp]);
  assert.deepEqual(up.events[1].data, { level: 3, previous: 1 });
  assert.deepEqual(grantXp(player(0, 1), 0).events, []);
});
