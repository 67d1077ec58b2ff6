import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InsufficientFunds } from './errors.ts';
import { applyEffect } from './effects.ts';
import { freshFairness } from './fairness.ts';
import { grantGold } from './grant.ts';
import { balanceOf, type Player } from './player.ts';

const player: Player = { userId: 'u-gus', displayName: 'gus', wallet: { gold: 100 }, xp: 90, level: 1, stats: {}, inventory: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c') };

test('a grant is minted; a debit goes back to the mint and never below zero', () => {
  const credit = grantGold(player, 50, 'gift', 'cmd-1');
  assert.deepEqual(credit.transfers.map((t) => [t.from, t.to, t.amount, t.reason, t.ref]), [['mint', 'u-gus', 50, 'admin.grant', 'gift']]);
  assert.deepEqual(credit.result, { balance: 150 });
  const debit = grantGold(player, -100, 'chargeback', 'cmd-2');
  assert.deepEqual(debit.transfers.map((t) => [t.from, t.to, t.amount, t.reason]), [['u-gus', 'mint', 100, 'admin.debit']]);
  assert.equal(balanceOf(debit.next, 'gold'), 0);
  assert.throws(() => grantGold(player, -101, 'too much', 'cmd-3'), InsufficientFunds);
});

test('an effect credits gold from its system account and XP; a game payout counts in that game', () => {
  const bounty = applyEffect(player, { key: 'task:main:t1', userId: 'u-gus', fromAccount: 'bounty', currency: 'gold', amount: 30, xp: 20, reason: 'task.bounty', ref: 'board:main:t1' });
  assert.deepEqual(bounty.transfers.map((t) => [t.from, t.to, t.amount]), [['bounty', 'u-gus', 30]]);
  assert.deepEqual([balanceOf(bounty.next, 'gold'), bounty.next.xp, bounty.next.level], [130, 110, 2]);
  assert.deepEqual(bounty.events.map((e) => e.type), ['balance.changed', 'reward.granted', 'xp.changed', 'level.up']);
  assert.deepEqual(bounty.next.stats, {});
  const payout = applyEffect(player, { key: 'crash:main:3:u-gus', userId: 'u-gus', fromAccount: 'house', currency: 'gold', amount: 250, xp: 0, reason: 'crash.payout', ref: 'crash:main:3' });
  assert.deepEqual(payout.next.stats.crash, { played: 0, won: 1, wagered: 0, paidOut: 250 });
});
