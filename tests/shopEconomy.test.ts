// shop.buy over WebSockets under an economy file with a second currency (ECONOMY_FILE,
// docs/ECONOMY.md): a gem-priced offer, a bundle that grants items and gems, a per-player limit
// under concurrent sends and retries, the sale window, and a publish that changes a price while
// the stock left and the purchase counts stay.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { CommandType } from '../shared/commands.ts';
import type { Economy, ShopOffer } from '../shared/economy.ts';
import { RoomName } from '../shared/protocol.ts';
import type { ShopCatalog } from '../shared/shop.ts';
import { AdminState } from '../shared/state.ts';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, signInAdmin, signInGuest, type PlayerConnection } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { fundNewPlayer, queryRows } from './support/ledger.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';

const offer = (o: Partial<ShopOffer> & Pick<ShopOffer, 'name' | 'price' | 'grants'>): ShopOffer => ({ stock: null, perPlayer: null, startsAt: null, endsAt: null, ...o });
const economy: Economy = structuredClone(defaultEconomy);
economy.currencies.gems = { name: 'Gems', premium: true };
Object.assign(economy.shop, {
  'gem-sword': offer({ name: 'Gem sword', price: { currency: 'gems', amount: 30 }, grants: { items: { 'gem-sword': 1 } } }),
  'starter-pack': offer({ name: 'Starter pack', price: { currency: 'gold', amount: 200 }, grants: { items: { 'health-potion': 3, 'mana-potion': 2 }, currencies: { gems: 25 } }, perPlayer: 2 }),
  'last-lamp': offer({ name: 'Last lamp', price: { currency: 'gold', amount: 10 }, grants: { items: { 'last-lamp': 1 } }, stock: 3 }),
  'future-sale': offer({ name: 'Future sale', price: { currency: 'gold', amount: 5 }, grants: { items: { 'health-potion': 1 } }, startsAt: '2999-01-01T00:00:00Z' }),
  'past-sale': offer({ name: 'Past sale', price: { currency: 'gold', amount: 5 }, grants: { items: { 'health-potion': 1 } }, endsAt: '2000-01-01T00:00:00Z' }),
});
const file = path.join(mkdtempSync(path.join(tmpdir(), 'coffer-shop-economy-')), 'economy.json');
writeFileSync(file, JSON.stringify(economy));

const fx = serverFixture('coffer_shop_economy', { ECONOMY_FILE: file });

async function player(wallet: Record<string, number>): Promise<{ userId: string; tab: PlayerConnection }> {
  const me = await signInGuest(fx.server.url);
  for (const [currency, amount] of Object.entries(wallet)) await fundNewPlayer(fx.db.url, me.userId, amount, currency);
  return { userId: me.userId, tab: await joinPlayerRoom(fx.server.url, me.token) };
}

const version = async () => ((await (await fetch(`${fx.server.url}/economy`)).json()) as { version: number }).version;

test('a gem-priced offer is paid in gems; a bundle grants its items and its gems for its gold price', async () => {
  const economyVersion = await version();
  const { userId, tab } = await player({ gold: 1_000, gems: 100 });
  assert.deepEqual(expectAck(await tab.send(CommandType.shopBuy, { itemId: 'gem-sword', qty: 1 })), { balance: 70, owned: 1, stockLeft: null, currency: 'gems', economyVersion });
  assert.deepEqual(expectAck(await tab.send(CommandType.shopBuy, { itemId: 'starter-pack', qty: 1 })), { balance: 800, owned: 1, stockLeft: null, currency: 'gold', economyVersion });
  await tab.waitForState((s) => s.wallet.get('gems') === 95 && s.balance === 800);
  assert.deepEqual(Object.fromEntries(tab.state.inventory.entries()), { 'gem-sword': 1, 'health-potion': 3, 'mana-potion': 2 });
  const balances = await queryRows<{ currency: string; balance: string }>(fx.db.url, `SELECT currency, balance FROM balances WHERE account = $1 ORDER BY currency`, [userId]);
  assert.deepEqual(balances.map((b) => [b.currency, Number(b.balance)]), [['gems', 95], ['gold', 800]]);
  const poor = expectNack(await tab.send(CommandType.shopBuy, { itemId: 'gem-sword', qty: 4 }));
  assert.deepEqual([poor.code, poor.message], ['INSUFFICIENT_FUNDS', 'price of 120 is more than your gems balance of 95']);
  await tab.leave();
});

test('the per-player limit holds under concurrent sends and retries; the sale window refuses outside it', async () => {
  const { userId, tab } = await player({ gold: 5_000 });
  const ids = Array.from({ length: 5 }, (_, i) => `limit-${i}-${userId.slice(0, 8)}`);
  const replies = await Promise.all(ids.map((id) => tab.send(CommandType.shopBuy, { itemId: 'starter-pack', qty: 1 }, id)));
  assert.equal(replies.filter((r) => 'ack' in r).length, 2, JSON.stringify(replies));
  for (const refused of replies.filter((r) => 'nack' in r).map(expectNack)) assert.equal(refused.reason, 'PURCHASE_LIMIT');
  const acked = replies.findIndex((r) => 'ack' in r);
  assert.deepEqual(await tab.send(CommandType.shopBuy, { itemId: 'starter-pack', qty: 1 }, ids[acked]), replies[acked], 'a retry gets the first answer');
  const [row] = await queryRows<{ purchases: Record<string, number> }>(fx.db.url, `SELECT purchases FROM players WHERE user_id = $1`, [userId]);
  assert.deepEqual(row.purchases, { 'starter-pack': 2 });

  const early = expectNack(await tab.send(CommandType.shopBuy, { itemId: 'future-sale', qty: 1 }));
  assert.deepEqual([early.reason, early.message], ['NOT_FOR_SALE', 'itemId future-sale is not for sale before 2999-01-01T00:00:00Z']);
  const late = expectNack(await tab.send(CommandType.shopBuy, { itemId: 'past-sale', qty: 1 }));
  assert.deepEqual([late.reason, late.message], ['NOT_FOR_SALE', 'itemId past-sale is not for sale since 2000-01-01T00:00:00Z']);
  await tab.leave();
});

test('a publish changes a price from the next purchase on; the stock left and the purchase counts survive it', async () => {
  const { tab } = await player({ gold: 1_000 });
  const before = await version();
  assert.equal(expectAck(await tab.send(CommandType.shopBuy, { itemId: 'last-lamp', qty: 2 })).stockLeft, 1);
  expectAck(await tab.send(CommandType.shopBuy, { itemId: 'starter-pack', qty: 2 }));

  const admin = await joinRoom(fx.server.url, (await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD)).token, RoomName.admin, AdminState);
  const next = structuredClone(economy);
  next.shop['last-lamp'] = { ...next.shop['last-lamp']!, price: { currency: 'gold', amount: 7 }, stock: 100 };
  const { version: published } = expectAck(await admin.send(AdminCommandType.economyPublish, { economy: next })) as { version: number };
  assert.equal(published, before + 1);
  // The catalog shows the new price and the counter, not the new stock.
  const catalog = (await (await fetch(`${fx.server.url}/shop`)).json()) as ShopCatalog;
  assert.equal(catalog.economyVersion, published, 'in force on this process once the publish is acked');
  const lamp = catalog.items.find((o) => o.itemId === 'last-lamp');
  assert.deepEqual([lamp?.price, lamp?.stock], [7, 1]);
  assert.deepEqual(expectAck(await tab.send(CommandType.shopBuy, { itemId: 'last-lamp', qty: 1 })), { balance: 573, owned: 3, stockLeft: 0, currency: 'gold', economyVersion: published });
  assert.equal(expectNack(await tab.send(CommandType.shopBuy, { itemId: 'last-lamp', qty: 1 })).reason, 'SOLD_OUT');
  assert.equal(expectNack(await tab.send(CommandType.shopBuy, { itemId: 'starter-pack', qty: 1 })).reason, 'PURCHASE_LIMIT', 'the counts of version 1 still count');
  await Promise.all([tab.leave(), admin.leave()]);
});
