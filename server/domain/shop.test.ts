import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from './errors.ts';
import { freshFairness } from './fairness.ts';
import { balanceOf, type Player } from './player.ts';
import { buyItem, type CatalogItem } from './shop.ts';

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-sol', displayName: 'sol', wallet: { gold: 1_000 }, xp: 0, level: 1, stats: {}, inventory: { 'health-potion': 1 }, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c'), ...overrides };
}
const potion: CatalogItem = { itemId: 'health-potion', name: 'Health potion', price: 50, stock: null, active: true };
const crown: CatalogItem = { itemId: 'golden-crown', name: 'Golden crown', price: 300, stock: 2, active: true };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    const { code, reason } = error as DomainError;
    return `${code}${reason ? `/${reason}` : ''}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('buyItem', () => {
  test('an unlimited item: price to the shop account, quantity into the inventory, no stock claim', () => {
    const { next, transfers, events, result, stock } = buyItem(player(), 'health-potion', potion, 3, 'cmd-buy-1');
    assert.deepEqual(transfers, [{ from: 'u-sol', to: 'shop', amount: 150, currency: 'gold', reason: 'shop.buy', ref: 'health-potion', commandId: 'cmd-buy-1' }]);
    assert.equal(balanceOf(next, 'gold'), 850);
    assert.deepEqual(next.inventory, { 'health-potion': 4 });
    assert.deepEqual(result, { balance: 850, owned: 4, stockLeft: null });
    assert.deepEqual(stock, []);
    assert.deepEqual(events, [
      { type: 'balance.changed', data: { delta: -150, balance: 850, currency: 'gold', reason: 'shop.buy', ref: 'health-potion' } },
      { type: 'purchase.completed', data: { itemId: 'health-potion', qty: 3, price: 150 } },
    ]);
  });

  test('a limited item claims its units of stock', () => {
    const { result, stock } = buyItem(player(), 'golden-crown', crown, 2, 'cmd-buy-2');
    assert.deepEqual(stock, [{ itemId: 'golden-crown', qty: 2 }]);
    assert.deepEqual(result, { balance: 400, owned: 2, stockLeft: 0 });
  });

  test('each refusal names what is wrong', () => {
    assert.equal(codeOf(() => buyItem(player(), 'no-such-item', undefined, 1, 'c')), 'NOT_FOUND/UNKNOWN_ITEM: itemId no-such-item is not in the shop catalog');
    assert.equal(codeOf(() => buyItem(player(), 'retired-hat', { ...potion, itemId: 'retired-hat', active: false }, 1, 'c')), 'CONFLICT/NOT_FOR_SALE: itemId retired-hat is not for sale at the moment');
    assert.equal(codeOf(() => buyItem(player(), 'golden-crown', { ...crown, stock: 0 }, 1, 'c')), 'CONFLICT/SOLD_OUT: itemId golden-crown is sold out');
    assert.equal(codeOf(() => buyItem(player(), 'golden-crown', crown, 3, 'c')), 'CONFLICT/NOT_ENOUGH_STOCK: qty 3 is more than the 2 left of golden-crown');
    assert.equal(codeOf(() => buyItem(player({ wallet: { gold: 100 } }), 'golden-crown', crown, 1, 'c')), 'INSUFFICIENT_FUNDS: price of 300 is more than your balance of 100');
    assert.equal(codeOf(() => buyItem(player(), 'health-potion', { ...potion, price: 2 ** 52 }, 4, 'c')).startsWith('INVALID_INPUT/TOTAL_TOO_LARGE: qty 4'), true);
  });
});
