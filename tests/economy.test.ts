// The player economy over WebSockets: gacha pulls and shop purchases, their acks, events, state,
// persisted inventory and stock, every refusal, and buyers racing for the last units.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandType, type ShopBuyResult } from '../shared/commands.ts';
import type { CommandResult } from '../shared/registry.ts';
import { gacha, isGuaranteedRarity } from '../server/games/gacha.ts';
import { verifyProof } from '../server/games/verify.ts';
import { defaultVersion, under } from './support/gameEconomy.ts';
import { expectAck, expectNack, joinPlayerRoom, signInGuest, type PlayerConnection } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { fundNewPlayer, queryRows } from './support/ledger.ts';

const fx = serverFixture('coffer_economy');

async function fundedPlayer(gold: number): Promise<{ userId: string; token: string; tab: PlayerConnection }> {
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, gold);
  const tab = await joinPlayerRoom(fx.server.url, me.token);
  assert.equal(tab.state.balance, gold);
  return { userId: me.userId, token: me.token, tab };
}

async function addShopItem(itemId: string, price: number, stock: number | null, active = true): Promise<void> {
  await queryRows(fx.db.url, `INSERT INTO shop_items (item_id, name, price, stock, active) VALUES ($1, $1, $2, $3, $4)`, [itemId, price, stock, active]);
}

const inventoryOf = (tab: PlayerConnection) => Object.fromEntries(tab.state.inventory.entries());

test('game.gacha: items, cost, balance and proof in the ack; inventory, stats and events follow', async () => {
  const { userId, tab } = await fundedPlayer(2_000);
  const one: CommandResult<'game.gacha'> = expectAck(await tab.send('game.gacha', { pulls: 1 }));
  assert.equal(one.items.length, 1);
  assert.deepEqual([one.cost, one.balance], [100, 1_900]);
  const ten: CommandResult<'game.gacha'> = expectAck(await tab.send('game.gacha', { pulls: 10 }));
  assert.equal(ten.items.length, 10);
  assert.ok(ten.items.some((i) => isGuaranteedRarity(under(gacha).params, i.rarity)), 'a 10-pull holds a rare or better');
  assert.deepEqual([ten.cost, ten.balance], [1_000, 900]);
  assert.deepEqual([one.proof.nonce, ten.proof.nonce], [0, 1]);

  const expected: Record<string, number> = {};
  for (const item of [...one.items, ...ten.items]) expected[item.itemId] = (expected[item.itemId] ?? 0) + 1;
  await tab.waitForState((s) => s.balance === 900 && s.stats.get('gacha')?.played === 11);
  assert.deepEqual(inventoryOf(tab), expected);
  assert.equal(tab.state.stats.get('gacha')!.wagered, 1_100);
  const [stored] = await queryRows<{ inventory: Record<string, number> }>(fx.db.url, `SELECT inventory FROM players WHERE user_id = $1`, [userId]);
  assert.deepEqual(stored.inventory, expected, 'the inventory is committed with the payment');
  const [paid] = await queryRows<{ sum: string }>(fx.db.url, `SELECT sum(amount) AS sum FROM transfers WHERE from_account = $1 AND to_account = 'house' AND reason = 'game.gacha'`, [userId]);
  assert.equal(Number(paid.sum), tab.state.stats.get('gacha')!.wagered, 'stats parity: wagered equals what the ledger moved');
  await tab.waitForEvents((events) => events.some((e) => e.type === 'reward.granted' && (e.data as { source: string }).source === 'gacha'));

  const rotated = expectAck(await tab.send(CommandType.fairRotate, { clientSeed: 'after-gacha' }));
  assert.equal(verifyProof(one.proof, rotated.revealedServerSeed, defaultVersion, { items: one.items }).ok, true);
  assert.equal(verifyProof(ten.proof, rotated.revealedServerSeed, defaultVersion, { items: ten.items }).ok, true);
  assert.equal(verifyProof(ten.proof, rotated.revealedServerSeed, defaultVersion, { items: [...ten.items].reverse() }).ok, ten.items.every((i) => i.itemId === ten.items[0].itemId));

  for (const pulls of [0, 2, 5, 1.5, '1', null]) {
    const refused = expectNack(await tab.send('game.gacha', { pulls }));
    assert.deepEqual([refused.code, refused.message], ['INVALID_INPUT', 'pulls must be 1 or 10']);
  }
  const poor = expectNack(await tab.send('game.gacha', { pulls: 10 }));
  assert.equal(poor.code, 'INSUFFICIENT_FUNDS');
  await tab.leave();
});

test('shop.buy: price to the shop account, items into the inventory, stock down, all persisted', async () => {
  await addShopItem('test-cape', 40, 10);
  const { userId, token, tab } = await fundedPlayer(500);
  const unlimited: ShopBuyResult = expectAck(await tab.send(CommandType.shopBuy, { itemId: 'health-potion', qty: 2 }));
  assert.deepEqual(unlimited, { balance: 400, owned: 2, stockLeft: null });
  const limited: ShopBuyResult = expectAck(await tab.send(CommandType.shopBuy, { itemId: 'test-cape', qty: 3 }));
  assert.deepEqual(limited, { balance: 280, owned: 3, stockLeft: 7 });
  await tab.waitForEvents((events) => events.filter((e) => e.type === 'purchase.completed').length === 2);
  assert.deepEqual(tab.events.filter((e) => e.type === 'purchase.completed').map((e) => e.data), [
    { itemId: 'health-potion', qty: 2, price: 100 },
    { itemId: 'test-cape', qty: 3, price: 120 },
  ]);
  await tab.waitForState((s) => s.balance === 280);
  assert.deepEqual(inventoryOf(tab), { 'health-potion': 2, 'test-cape': 3 });
  const [row] = await queryRows<{ stock: number }>(fx.db.url, `SELECT stock FROM shop_items WHERE item_id = 'test-cape'`);
  assert.equal(row.stock, 7);
  const [shop] = await queryRows<{ sum: string }>(fx.db.url, `SELECT sum(amount) AS sum FROM transfers WHERE from_account = $1 AND to_account = 'shop'`, [userId]);
  assert.equal(Number(shop.sum), 220);

  // The inventory survives the server going away.
  await tab.leave();
  await fx.server.stop();
  await fx.restart();
  const again = await joinPlayerRoom(fx.server.url, token);
  assert.deepEqual(inventoryOf(again), { 'health-potion': 2, 'test-cape': 3 });
  assert.equal(again.state.balance, 280);
  await again.leave();
});

test('shop.buy refusals name the field, and nothing is written', async () => {
  await addShopItem('test-boots', 10, 2);
  await addShopItem('test-retired', 10, null, false);
  await addShopItem('test-gone', 10, 0);
  const { userId, tab } = await fundedPlayer(100);
  const cases: Array<[Record<string, unknown>, string, RegExp, string?]> = [
    [{ itemId: 'no-such-item', qty: 1 }, 'NOT_FOUND', /itemId no-such-item is not in the shop catalog/, 'UNKNOWN_ITEM'],
    [{ itemId: 'test-boots', qty: 0 }, 'INVALID_INPUT', /qty must be a whole number between 1 and 100/],
    [{ itemId: 'test-boots', qty: 1_000_000 }, 'INVALID_INPUT', /qty must be a whole number between 1 and 100/],
    [{ itemId: 'test-boots', qty: 1.5 }, 'INVALID_INPUT', /qty/],
    [{ itemId: 'test-boots', qty: -1 }, 'INVALID_INPUT', /qty/],
    [{ itemId: 'test-boots' }, 'INVALID_INPUT', /qty/],
    [{ itemId: 'Test Boots!', qty: 1 }, 'INVALID_INPUT', /itemId must be 1-64 characters/],
    [{ itemId: 'test-retired', qty: 1 }, 'CONFLICT', /itemId test-retired is not for sale/, 'NOT_FOR_SALE'],
    [{ itemId: 'test-gone', qty: 1 }, 'CONFLICT', /itemId test-gone is sold out/, 'SOLD_OUT'],
    [{ itemId: 'test-boots', qty: 3 }, 'CONFLICT', /qty 3 is more than the 2 left of test-boots/, 'NOT_ENOUGH_STOCK'],
    [{ itemId: 'golden-crown', qty: 1 }, 'INSUFFICIENT_FUNDS', /price of 5000 is more than your balance of 100/],
    [{ itemId: 'test-boots', qty: 1, extra: true }, 'INVALID_INPUT', /extra/],
  ];
  for (const [fields, code, message, reason] of cases) {
    const refused = expectNack(await tab.send(CommandType.shopBuy, fields));
    assert.equal(refused.code, code, JSON.stringify(fields));
    assert.equal(refused.reason, reason, `reason of ${JSON.stringify(fields)}`);
    assert.match(refused.message, message);
    assert.equal(refused.retryable, false);
  }
  const [written] = await queryRows<{ transfers: string; results: string }>(
    fx.db.url,
    `SELECT (SELECT count(*) FROM transfers WHERE from_account = $1) AS transfers, (SELECT count(*) FROM command_results WHERE actor = $1) AS results`,
    [userId],
  );
  assert.deepEqual([Number(written.transfers), Number(written.results)], [0, 0]);
  const [boots] = await queryRows<{ stock: number }>(fx.db.url, `SELECT stock FROM shop_items WHERE item_id = 'test-boots'`);
  assert.equal(boots.stock, 2);
  assert.equal(tab.state.balance, 100);
  await tab.leave();
});

test('buyers racing for the last units: exactly the stock is sold, everyone else gets CONFLICT and keeps their gold', async () => {
  const stock = 3;
  await addShopItem('test-last-lamp', 70, stock);
  const buyers = await Promise.all(Array.from({ length: 9 }, () => fundedPlayer(100)));
  const replies = await Promise.all(buyers.map((b) => b.tab.send(CommandType.shopBuy, { itemId: 'test-last-lamp', qty: 1 })));
  const sold = replies.filter((r) => 'ack' in r);
  const refused = replies.filter((r) => 'nack' in r).map((r) => expectNack(r));
  assert.equal(sold.length, stock, JSON.stringify(replies));
  for (const nack of refused) {
    assert.equal(nack.code, 'CONFLICT');
    assert.match(nack.message, /sold out|more than the|another buyer first/);
    assert.ok(nack.reason === 'SOLD_OUT' || nack.reason === 'NOT_ENOUGH_STOCK', `reason ${nack.reason}`);
  }
  const [row] = await queryRows<{ stock: number }>(fx.db.url, `SELECT stock FROM shop_items WHERE item_id = 'test-last-lamp'`);
  assert.equal(row.stock, 0);
  const owners = await queryRows<{ user_id: string; balance: string; qty: number | null }>(
    fx.db.url,
    `SELECT p.user_id, b.balance, (p.inventory ->> 'test-last-lamp')::int AS qty FROM players p JOIN balances b ON b.account = p.user_id AND b.currency = 'gold' WHERE p.user_id = ANY($1)`,
    [buyers.map((b) => b.userId)],
  );
  assert.equal(owners.filter((o) => o.qty === 1).length, stock, 'exactly the stock landed in inventories');
  for (const o of owners) assert.equal(Number(o.balance), o.qty === 1 ? 30 : 100, 'nobody is charged for nothing');
  // Each room's state agrees with the database, also after the sold-out reload.
  for (const [i, b] of buyers.entries()) {
    const bought = 'ack' in replies[i];
    await b.tab.waitForState((s) => s.balance === (bought ? 30 : 100) && (s.inventory.get('test-last-lamp') ?? 0) === (bought ? 1 : 0));
  }
  // A refused buyer can go on playing in the same room.
  const loser = buyers[replies.findIndex((r) => 'nack' in r)];
  expectAck(await loser.tab.send(CommandType.shopBuy, { itemId: 'health-potion', qty: 1 }));
  await Promise.all(buyers.map((b) => b.tab.leave()));
});
