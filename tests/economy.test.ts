// The player economy over WebSockets: gacha pulls and shop purchases, their acks, events, state,
// persisted inventory, stock and purchase counts, every refusal, and buyers racing for the last
// units. The offers are the default economy's (economy/default.json); what is left of a limited one
// is its counter in shop_items, which a test may set. Gem prices, bundles, per-player limits and
// sale windows are tested on the player writer under a test economy
// (server/writers/shopOnMemory.test.ts), and across two processes in tests/shopRace.test.ts.
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

/** Sets what is left of a limited offer (undefined: no counter, as before its first sale). */
async function setStockLeft(itemId: string, left: number | undefined): Promise<void> {
  await queryRows(fx.db.url, `DELETE FROM shop_items WHERE item_id = $1`, [itemId]);
  if (left !== undefined) await queryRows(fx.db.url, `INSERT INTO shop_items (item_id, stock) VALUES ($1, $2)`, [itemId, left]);
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

test('shop.buy: price to the shop account, items into the inventory, stock down, purchases counted, all persisted', async () => {
  // lucky-charm: 500 gold, 100 in stock; without a counter its first sale opens one.
  await setStockLeft('lucky-charm', undefined);
  const { userId, token, tab } = await fundedPlayer(2_000);
  const unlimited: ShopBuyResult = expectAck(await tab.send(CommandType.shopBuy, { itemId: 'health-potion', qty: 2 }));
  assert.deepEqual(unlimited, { balance: 1_900, owned: 2, stockLeft: null, currency: 'gold', economyVersion: 1 });
  const limited: ShopBuyResult = expectAck(await tab.send(CommandType.shopBuy, { itemId: 'lucky-charm', qty: 3 }));
  assert.deepEqual(limited, { balance: 400, owned: 3, stockLeft: 97, currency: 'gold', economyVersion: 1 });
  await tab.waitForEvents((events) => events.filter((e) => e.type === 'purchase.completed').length === 2);
  assert.deepEqual(tab.events.filter((e) => e.type === 'purchase.completed').map((e) => e.data), [
    { itemId: 'health-potion', qty: 2, price: 100, currency: 'gold' },
    { itemId: 'lucky-charm', qty: 3, price: 1_500, currency: 'gold' },
  ]);
  await tab.waitForState((s) => s.balance === 400 && s.purchases.get('lucky-charm') === 3);
  assert.deepEqual(inventoryOf(tab), { 'health-potion': 2, 'lucky-charm': 3 });
  assert.deepEqual(Object.fromEntries(tab.state.purchases.entries()), { 'health-potion': 2, 'lucky-charm': 3 });
  const [row] = await queryRows<{ stock: number }>(fx.db.url, `SELECT stock FROM shop_items WHERE item_id = 'lucky-charm'`);
  assert.equal(row.stock, 97, 'the counter opened at the offer stock, less the units sold');
  const [shop] = await queryRows<{ sum: string }>(fx.db.url, `SELECT sum(amount) AS sum FROM transfers WHERE from_account = $1 AND to_account = 'shop'`, [userId]);
  assert.equal(Number(shop.sum), 1_600);
  const [stored] = await queryRows<{ purchases: Record<string, number> }>(fx.db.url, `SELECT purchases FROM players WHERE user_id = $1`, [userId]);
  assert.deepEqual(stored.purchases, { 'health-potion': 2, 'lucky-charm': 3 }, 'the purchase counts are committed with the player');

  // The inventory and the counts survive the server going away.
  await tab.leave();
  await fx.server.stop();
  await fx.restart();
  const again = await joinPlayerRoom(fx.server.url, token);
  assert.deepEqual(inventoryOf(again), { 'health-potion': 2, 'lucky-charm': 3 });
  assert.equal(again.state.purchases.get('lucky-charm'), 3);
  assert.equal(again.state.balance, 400);
  await again.leave();
});

test('shop.buy refusals name the field, and nothing is written', async () => {
  await setStockLeft('lucky-charm', 2);
  await setStockLeft('golden-crown', 0);
  const { userId, tab } = await fundedPlayer(1_000);
  const cases: Array<[Record<string, unknown>, string, RegExp, string?]> = [
    [{ itemId: 'no-such-item', qty: 1 }, 'NOT_FOUND', /itemId no-such-item is not in the shop catalog/, 'UNKNOWN_ITEM'],
    [{ itemId: 'constructor', qty: 1 }, 'NOT_FOUND', /itemId constructor is not in the shop catalog/, 'UNKNOWN_ITEM'],
    [{ itemId: 'lucky-charm', qty: 0 }, 'INVALID_INPUT', /qty must be a whole number between 1 and 100/],
    [{ itemId: 'lucky-charm', qty: 1_000_000 }, 'INVALID_INPUT', /qty must be a whole number between 1 and 100/],
    [{ itemId: 'lucky-charm', qty: 1.5 }, 'INVALID_INPUT', /qty/],
    [{ itemId: 'lucky-charm', qty: -1 }, 'INVALID_INPUT', /qty/],
    [{ itemId: 'lucky-charm' }, 'INVALID_INPUT', /qty/],
    [{ itemId: 'Lucky Charm!', qty: 1 }, 'INVALID_INPUT', /itemId must be 1-64 characters/],
    [{ itemId: 'golden-crown', qty: 1 }, 'CONFLICT', /itemId golden-crown is sold out/, 'SOLD_OUT'],
    [{ itemId: 'lucky-charm', qty: 3 }, 'CONFLICT', /qty 3 is more than the 2 left of lucky-charm/, 'NOT_ENOUGH_STOCK'],
    [{ itemId: 'health-potion', qty: 21 }, 'INSUFFICIENT_FUNDS', /price of 1050 is more than your balance of 1000/],
    [{ itemId: 'lucky-charm', qty: 1, extra: true }, 'INVALID_INPUT', /extra/],
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
  const [charm] = await queryRows<{ stock: number }>(fx.db.url, `SELECT stock FROM shop_items WHERE item_id = 'lucky-charm'`);
  assert.equal(charm.stock, 2);
  assert.equal(tab.state.balance, 1_000);
  assert.equal(tab.state.purchases.size, 0);
  await tab.leave();
});

test('buyers racing for the last units: exactly the stock is sold, everyone else gets CONFLICT and keeps their gold', async () => {
  // golden-crown: 5,000 gold; its counter says 3 are left.
  const stock = 3;
  await setStockLeft('golden-crown', stock);
  const buyers = await Promise.all(Array.from({ length: 9 }, () => fundedPlayer(5_000)));
  const replies = await Promise.all(buyers.map((b) => b.tab.send(CommandType.shopBuy, { itemId: 'golden-crown', qty: 1 })));
  const sold = replies.filter((r) => 'ack' in r);
  const refused = replies.filter((r) => 'nack' in r).map((r) => expectNack(r));
  assert.equal(sold.length, stock, JSON.stringify(replies));
  for (const nack of refused) {
    assert.equal(nack.code, 'CONFLICT');
    assert.match(nack.message, /sold out|more than the|another buyer first/);
    assert.ok(nack.reason === 'SOLD_OUT' || nack.reason === 'NOT_ENOUGH_STOCK', `reason ${nack.reason}`);
  }
  const [row] = await queryRows<{ stock: number }>(fx.db.url, `SELECT stock FROM shop_items WHERE item_id = 'golden-crown'`);
  assert.equal(row.stock, 0);
  const owners = await queryRows<{ user_id: string; balance: string; qty: number | null }>(
    fx.db.url,
    `SELECT p.user_id, b.balance, (p.inventory ->> 'golden-crown')::int AS qty FROM players p JOIN balances b ON b.account = p.user_id AND b.currency = 'gold' WHERE p.user_id = ANY($1)`,
    [buyers.map((b) => b.userId)],
  );
  assert.equal(owners.filter((o) => o.qty === 1).length, stock, 'exactly the stock landed in inventories');
  for (const o of owners) assert.equal(Number(o.balance), o.qty === 1 ? 0 : 5_000, 'nobody is charged for nothing');
  // Each room's state agrees with the database, also after the sold-out reload.
  for (const [i, b] of buyers.entries()) {
    const bought = 'ack' in replies[i];
    await b.tab.waitForState((s) => s.balance === (bought ? 0 : 5_000) && (s.inventory.get('golden-crown') ?? 0) === (bought ? 1 : 0));
  }
  // A refused buyer can go on playing in the same room.
  const loser = buyers[replies.findIndex((r) => 'nack' in r)];
  expectAck(await loser.tab.send(CommandType.shopBuy, { itemId: 'health-potion', qty: 1 }));
  await Promise.all(buyers.map((b) => b.tab.leave()));
});
