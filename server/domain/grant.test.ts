import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEconomy } from '../economy/defaultEconomy.ts';
import { withGems } from '../../tests/support/economies.ts';
import { DomainError, InsufficientFunds } from './errors.ts';
import { applyEffect } from './effects.ts';
import { freshFairness } from './fairness.ts';
import { grantOf } from './grant.ts';
import { balanceOf, type Player } from './player.ts';

const player: Player = { userId: 'u-gus', displayName: 'gus', wallet: { gold: 100 }, xp: 90, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c') };
const economy = withGems();

test('a grant is minted; a debit goes back to the mint and never below zero', () => {
  const credit = grantOf(player, economy, { id: 'cmd-1', amount: 50, currency: 'gold', reason: 'gift' });
  assert.deepEqual(credit.transfers.map((t) => [t.from, t.to, t.amount, t.currency, t.reason, t.ref]), [['mint', 'u-gus', 50, 'gold', 'admin.grant', 'gift']]);
  assert.deepEqual(credit.result, { balance: 150, currency: 'gold' });
  const debit = grantOf(player, economy, { id: 'cmd-2', amount: -100, currency: 'gold', reason: 'chargeback' });
  assert.deepEqual(debit.transfers.map((t) => [t.from, t.to, t.amount, t.reason]), [['u-gus', 'mint', 100, 'admin.debit']]);
  assert.equal(balanceOf(debit.next, 'gold'), 0);
  assert.throws(() => grantOf(player, economy, { id: 'cmd-3', amount: -101, currency: 'gold', reason: 'too much' }), InsufficientFunds);
});

test('a grant in another currency moves that currency only; a debit there is checked against it alone', () => {
  const gems = grantOf(player, economy, { id: 'cmd-4', amount: 7, currency: 'gems', reason: 'gift' });
  assert.deepEqual(gems.next.wallet, { gold: 100, gems: 7 });
  assert.deepEqual(gems.result, { balance: 7, currency: 'gems' });
  assert.deepEqual(gems.events.map((e) => e.data), [{ delta: 7, balance: 7, currency: 'gems', reason: 'admin.grant', ref: 'gift' }]);
  assert.throws(
    () => grantOf(player, economy, { id: 'cmd-5', amount: -1, currency: 'gems', reason: 'chargeback' }),
    (error) => error instanceof InsufficientFunds && error.currency === 'gems' && /amount of 1 is more than your gems balance of 0/.test(error.message),
    'the 100 gold does not cover a gem',
  );
});

test('a currency the economy does not have is refused, naming the field', () => {
  assert.throws(
    () => grantOf(player, defaultEconomy, { id: 'cmd-6', amount: 5, currency: 'gems', reason: 'gift' }),
    (error) => error instanceof DomainError && error.reason === 'UNKNOWN_CURRENCY' && error.code === 'INVALID_INPUT' && /^currency gems /.test(error.message),
  );
});

test('an effect credits its currency from its system account and XP; a game payout counts in that game', () => {
  const bounty = applyEffect(player, { key: 'task:main:t1', userId: 'u-gus', fromAccount: 'bounty', currency: 'gold', amount: 30, xp: 20, reason: 'task.bounty', ref: 'board:main:t1' }, []);
  assert.deepEqual(bounty.transfers.map((t) => [t.from, t.to, t.amount]), [['bounty', 'u-gus', 30]]);
  assert.deepEqual([balanceOf(bounty.next, 'gold'), bounty.next.xp, bounty.next.level], [130, 110, 2]);
  assert.deepEqual(bounty.events.map((e) => e.type), ['balance.changed', 'reward.granted', 'xp.changed', 'level.up']);
  assert.deepEqual(bounty.next.stats, {});
  const payout = applyEffect(player, { key: 'crash:main:3:u-gus', userId: 'u-gus', fromAccount: 'house', currency: 'gold', amount: 250, xp: 0, reason: 'crash.payout', ref: 'crash:main:3' }, []);
  assert.deepEqual(payout.next.stats.crash, { played: 0, won: 1, wagered: 0, paidOut: 250 });
  const gems = applyEffect(player, { key: 'crash:main:4:u-gus', userId: 'u-gus', fromAccount: 'house', currency: 'gems', amount: 3, xp: 0, reason: 'crash.payout', ref: 'crash:main:4' }, []);
  assert.deepEqual(gems.next.wallet, { gold: 100, gems: 3 });
  assert.deepEqual(gems.events.slice(0, 2).map((e) => e.data), [
    { delta: 3, balance: 3, currency: 'gems', reason: 'crash.payout', ref: 'crash:main:4' },
    { source: 'crash.payout', gold: 0, currencies: { gems: 3 }, items: {} },
  ]);
});

test("an effect whose XP reaches a level pays the economy's level-up reward with it", () => {
  const levelled = applyEffect(player, { key: 'task:main:t2', userId: 'u-gus', fromAccount: 'bounty', currency: 'gold', amount: 30, xp: 20, reason: 'task.bounty', ref: 'board:main:t2' }, [{ level: 2, grants: { currencies: { gold: 70 } } }]);
  assert.deepEqual(levelled.transfers.map((t) => [t.from, t.amount, t.reason]), [['bounty', 30, 'task.bounty'], ['mint', 70, 'level.up']]);
  assert.equal(balanceOf(levelled.next, 'gold'), 200);
});
