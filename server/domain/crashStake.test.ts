// A crash stake and its payout as the player's room applies them: in the bet's currency, each
// counted in the stats of that currency (docs/GAMES.md, on currencies and stats: gold under `crash`,
// another currency under `crash:<currency>`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEconomy } from '../economy/defaultEconomy.ts';
import { stakeCrashBet } from './crashStake.ts';
import { applyEffect } from './effects.ts';
import { freshFairness } from './fairness.ts';
import { SystemAccount } from './ledger.ts';
import type { Player } from './player.ts';

const LEVEL_UP = defaultEconomy.rewards.levelUp;
const ann: Player = { userId: 'ann', displayName: 'ann', wallet: { gold: 100, gems: 30 }, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c') };

test('a gem stake goes to escrow in gems and counts under crash:gems; its payout comes back in gems and counts there too', () => {
  const staked = stakeCrashBet(ann, 'main', 4, 20, 'gems', 'stake:crash:main:b1', LEVEL_UP);
  assert.deepEqual(staked.result, { roundId: 4, amount: 20, currency: 'gems', balance: 10 });
  assert.deepEqual(staked.transfers[0], { from: 'ann', to: SystemAccount.escrow, amount: 20, currency: 'gems', reason: 'crash.bet', ref: 'crash:main:4', commandId: 'stake:crash:main:b1' });
  assert.deepEqual(staked.next.wallet, { gold: 100, gems: 10 });
  assert.deepEqual(staked.next.stats, { 'crash:gems': { played: 1, won: 0, wagered: 20, paidOut: 0 } });

  const paid = applyEffect(staked.next, { key: 'crash:main:4:ann', userId: 'ann', fromAccount: SystemAccount.house, currency: 'gems', amount: 30, xp: 0, reason: 'crash.payout', ref: 'crash:main:4' }, LEVEL_UP);
  assert.deepEqual(paid.next.wallet, { gold: 100, gems: 40 });
  assert.deepEqual(paid.next.stats, { 'crash:gems': { played: 1, won: 1, wagered: 20, paidOut: 30 } });
});

test('a gold stake and payout count under crash, as protocol-1 clients read them', () => {
  const staked = stakeCrashBet(ann, 'main', 4, 50, 'gold', 'stake:crash:main:b2', LEVEL_UP);
  const paid = applyEffect(staked.next, { key: 'k', userId: 'ann', fromAccount: SystemAccount.house, currency: 'gold', amount: 75, xp: 0, reason: 'crash.payout', ref: 'crash:main:4' }, LEVEL_UP);
  assert.deepEqual(paid.next.stats, { crash: { played: 1, won: 1, wagered: 50, paidOut: 75 } });
  assert.deepEqual(paid.next.wallet, { gold: 125, gems: 30 });
});
