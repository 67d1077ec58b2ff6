import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PublishedEconomy, ShopOffer } from '../../shared/economy.ts';
import { defaultPublished } from '../economy/defaultEconomy.ts';
import { DomainError } from './errors.ts';
import { freshFairness } from './fairness.ts';
import type { Player } from './player.ts';
import { buyItem, catalogOf, offerOf, type ShopContext } from './shop.ts';

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-sol', displayName: 'sol', wallet: { gold: 1_000 }, xp: 0, level: 1, stats: {}, inventory: { 'health-potion': 1 }, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c'), ...overrides };
}
const NOW = Date.parse('2026-06-01T12:00:00Z');
const offer = (overrides: Partial<ShopOffer> = {}): ShopOffer => ({ name: 'Health potion', price: { currency: 'gold', amount: 50 }, grants: { items: { 'health-potion': 1 } }, stock: null, perPlayer: null, startsAt: null, endsAt: null, ...overrides });
const potion = offer();
const crown = offer({ name: 'Golden crown', price: { currency: 'gold', amount: 300 }, grants: { items: { 'golden-crown': 1 } }, stock: 2 });
const gemSword = offer({ name: 'Gem sword', price: { currency: 'gems', amount: 30 }, grants: { items: { 'gem-sword': 1 } } });
const starterPack = offer({ name: 'Starter pack', price: { currency: 'gold', amount: 200 }, grants: { items: { 'health-potion': 3, 'mana-potion': 2 }, currencies: { gems: 10 } }, perPlayer: 1 });

const at = (o: ShopOffer | undefined, counted?: number, now = NOW): ShopContext => ({ offer: o, counted, economyVersion: 7, now });
const buy = (p: Player, itemId: string, qty: number, context: ShopContext, commandId = 'c') => buyItem(p, { itemId, qty, commandId }, context);

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
  test('an unlimited offer: price to the shop account in its currency, the grant into the inventory, no stock claim, the purchase counted', () => {
    const { next, transfers, events, result, stock } = buy(player(), 'health-potion', 3, at(potion), 'cmd-buy-1');
    assert.deepEqual(transfers, [{ from: 'u-sol', to: 'shop', amount: 150, currency: 'gold', reason: 'shop.buy', ref: 'health-potion', commandId: 'cmd-buy-1' }]);
    assert.deepEqual(next.wallet, { gold: 850 });
    assert.deepEqual(next.inventory, { 'health-potion': 4 });
    assert.deepEqual(next.purchases, { 'health-potion': 3 });
    assert.deepEqual(result, { balance: 850, owned: 4, stockLeft: null, currency: 'gold', economyVersion: 7 });
    assert.deepEqual(stock, []);
    assert.deepEqual(events, [
      { type: 'balance.changed', data: { delta: -150, balance: 850, currency: 'gold', reason: 'shop.buy', ref: 'health-potion' } },
      { type: 'purchase.completed', data: { itemId: 'health-potion', qty: 3, price: 150, currency: 'gold' } },
    ]);
  });

  test("a limited offer claims its units, with the offer's stock to open its counter at; what is left is its counter once it has sold", () => {
    const first = buy(player(), 'golden-crown', 2, at(crown));
    assert.deepEqual(first.stock, [{ itemId: 'golden-crown', qty: 2, opening: 2 }]);
    assert.equal(first.result.stockLeft, 0, 'no counter yet: the whole stock is left');
    const later = buy(player(), 'golden-crown', 1, at({ ...crown, stock: 50 }, 4));
    assert.deepEqual(later.stock, [{ itemId: 'golden-crown', qty: 1, opening: 50 }]);
    assert.equal(later.result.stockLeft, 3, 'the counter, not the stock a later version names');
  });

  test('a gem-priced offer is paid in gems, and its result and event name gems', () => {
    const { transfers, next, result, events } = buy(player({ wallet: { gold: 1_000, gems: 100 } }), 'gem-sword', 2, at(gemSword));
    assert.deepEqual(transfers, [{ from: 'u-sol', to: 'shop', amount: 60, currency: 'gems', reason: 'shop.buy', ref: 'gem-sword', commandId: 'c' }]);
    assert.deepEqual(next.wallet, { gold: 1_000, gems: 40 });
    assert.deepEqual(result, { balance: 40, owned: 2, stockLeft: null, currency: 'gems', economyVersion: 7 });
    assert.deepEqual(events.map((e) => e.data), [
      { delta: -60, balance: 40, currency: 'gems', reason: 'shop.buy', ref: 'gem-sword' },
      { itemId: 'gem-sword', qty: 2, price: 60, currency: 'gems' },
    ]);
    assert.equal(codeOf(() => buy(player(), 'gem-sword', 1, at(gemSword))), 'INSUFFICIENT_FUNDS: price of 30 is more than your gems balance of 0', 'gold does not pay for gems');
  });

  test('a bundle grants every item and currency it lists, × qty; the currencies come from the mint', () => {
    const { transfers, next, result, events } = buy(player({ purchases: {} }), 'starter-pack', 1, at(starterPack), 'cmd-pack');
    assert.deepEqual(transfers, [
      { from: 'u-sol', to: 'shop', amount: 200, currency: 'gold', reason: 'shop.buy', ref: 'starter-pack', commandId: 'cmd-pack' },
      { from: 'mint', to: 'u-sol', amount: 10, currency: 'gems', reason: 'shop.buy', ref: 'starter-pack', commandId: 'cmd-pack' },
    ]);
    assert.deepEqual(next.wallet, { gold: 800, gems: 10 });
    assert.deepEqual(next.inventory, { 'health-potion': 4, 'mana-potion': 2 });
    assert.deepEqual(result, { balance: 800, owned: 1, stockLeft: null, currency: 'gold', economyVersion: 7 }, 'owned: the bundles bought, as it grants several kinds');
    assert.deepEqual(events.map((e) => e.type === 'balance.changed' && [e.data.currency, e.data.delta, e.data.balance]), [['gold', -200, 800], ['gems', 10, 10], false]);
    const twice = offer({ ...starterPack, perPlayer: null });
    assert.deepEqual(buy(player(), 'starter-pack', 2, at(twice)).next.inventory, { 'health-potion': 7, 'mana-potion': 4 });
  });

  test('the per-player limit counts every unit bought before, whatever economy version sold it', () => {
    const limited = offer({ perPlayer: 3 });
    const first = buy(player(), 'health-potion', 2, at(limited));
    assert.deepEqual(first.next.purchases, { 'health-potion': 2 });
    assert.equal(codeOf(() => buy(first.next, 'health-potion', 2, at(limited))), 'CONFLICT/PURCHASE_LIMIT: qty 2 is more than the 1 of health-potion you may still buy (3 per player)');
    const second = buy(first.next, 'health-potion', 1, at(limited));
    assert.deepEqual(second.next.purchases, { 'health-potion': 3 });
    assert.equal(codeOf(() => buy(second.next, 'health-potion', 1, at(limited))), 'CONFLICT/PURCHASE_LIMIT: itemId health-potion is limited to 3 per player, and you have bought 3');
    assert.equal(codeOf(() => buy(second.next, 'health-potion', 1, at(offer({ perPlayer: 2 })))), 'CONFLICT/PURCHASE_LIMIT: itemId health-potion is limited to 2 per player, and you have bought 3', 'a lower limit published later');
    assert.equal(codeOf(() => buy(player({ purchases: { 'health-potion': 50 } }), 'health-potion', 1, at(potion))), 'no error', 'no limit, no refusal');
  });

  test('the sale window: refused before startsAt and from endsAt on, with the bound named; sold inside', () => {
    const window = offer({ startsAt: '2026-06-01T12:00:00.000Z', endsAt: '2026-06-02T00:00:00.000Z' });
    assert.equal(codeOf(() => buy(player(), 'health-potion', 1, at(window, undefined, NOW - 1))), 'CONFLICT/NOT_FOR_SALE: itemId health-potion is not for sale before 2026-06-01T12:00:00.000Z');
    assert.equal(codeOf(() => buy(player(), 'health-potion', 1, at(window, undefined, NOW))), 'no error', 'from startsAt');
    assert.equal(codeOf(() => buy(player(), 'health-potion', 1, at(window, undefined, Date.parse('2026-06-01T23:59:59.999Z')))), 'no error');
    assert.equal(codeOf(() => buy(player(), 'health-potion', 1, at(window, undefined, Date.parse('2026-06-02T00:00:00Z')))), 'CONFLICT/NOT_FOR_SALE: itemId health-potion is not for sale since 2026-06-02T00:00:00.000Z');
  });

  test('each refusal names what is wrong', () => {
    assert.equal(codeOf(() => buy(player(), 'no-such-item', 1, at(undefined))), 'NOT_FOUND/UNKNOWN_ITEM: itemId no-such-item is not in the shop catalog');
    assert.equal(codeOf(() => buy(player(), 'golden-crown', 1, at(crown, 0))), 'CONFLICT/SOLD_OUT: itemId golden-crown is sold out');
    assert.equal(codeOf(() => buy(player(), 'golden-crown', 3, at(crown))), 'CONFLICT/NOT_ENOUGH_STOCK: qty 3 is more than the 2 left of golden-crown');
    assert.equal(codeOf(() => buy(player({ wallet: { gold: 100 } }), 'golden-crown', 1, at(crown))), 'INSUFFICIENT_FUNDS: price of 300 is more than your balance of 100');
    assert.equal(codeOf(() => buy(player(), 'health-potion', 4, at(offer({ price: { currency: 'gold', amount: 2 ** 52 } })))), 'INVALID_INPUT/TOTAL_TOO_LARGE: qty 4 of health-potion costs more than any balance can hold');
    assert.equal(codeOf(() => buy(player(), 'gem-chest', 4, at(offer({ grants: { currencies: { gems: 2 ** 52 } } })))), 'INVALID_INPUT/TOTAL_TOO_LARGE: qty 4 of gem-chest grants more gems than any balance can hold');
  });
});

test('offerOf finds only the offers the economy lists, never an inherited property', () => {
  const { economy } = defaultPublished();
  assert.equal(offerOf(economy, 'health-potion')?.price.amount, 50);
  for (const id of ['constructor', 'tostring', 'no-such-offer']) assert.equal(offerOf(economy, id), undefined, id);
});

test('the public catalog: every offer with its currency, grants, stock left, limit and whether its window is open', () => {
  const published: PublishedEconomy = {
    ...defaultPublished(),
    version: 4,
    economy: { ...defaultPublished().economy, shop: { 'gem-sword': gemSword, 'golden-crown': crown, later: offer({ startsAt: '2026-07-01T00:00:00Z' }), 'starter-pack': starterPack } },
  };
  const { economyVersion, items } = catalogOf(published, new Map([['golden-crown', 1]]), NOW);
  assert.equal(economyVersion, 4);
  assert.deepEqual(items.map((i) => [i.itemId, i.price, i.currency, i.stock, i.perPlayer, i.active]), [
    ['gem-sword', 30, 'gems', null, null, true],
    ['golden-crown', 300, 'gold', 1, null, true],
    ['later', 50, 'gold', null, null, false],
    ['starter-pack', 200, 'gold', null, 1, true],
  ]);
  assert.deepEqual(items[3], { itemId: 'starter-pack', name: 'Starter pack', price: 200, currency: 'gold', grants: starterPack.grants, stock: null, perPlayer: 1, startsAt: null, endsAt: null, active: true });
  assert.equal(catalogOf(published, new Map(), NOW).items[1].stock, 2, 'an offer that has not sold: its whole stock');
});
