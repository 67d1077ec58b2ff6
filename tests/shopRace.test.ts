// The last units of a limited offer across two Coffer processes (real PostgreSQL, real Redis):
// buyers whose rooms live on either process race for them, and PostgreSQL decides inside each
// process' commit batch (the CHECK on shop_items.stock, docs/PROTOCOL.md `shop.buy`), also when
// the race itself opens the offer's counter (its first sales).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { expectNack, joinPlayerRoom, signInGuest, type PlayerConnection } from './support/client.ts';
import { clusterFixture } from './support/cluster.ts';
import { fundNewPlayer, queryRows } from './support/ledger.ts';

const cluster = clusterFixture('coffer_shop_race', 2);

/** The PUBLIC_ADDRESS of the process hosting `roomId`, from the matchmaker's room cache. */
async function processOf(roomId: string): Promise<string> {
  const cache = await cluster.redis().hget(`${cluster.keyPrefix}roomcaches`, roomId);
  assert.ok(cache, `room ${roomId} is in the matchmaker`);
  return (JSON.parse(cache) as { publicAddress: string }).publicAddress;
}

async function buyer(i: number, gold: number): Promise<{ userId: string; tab: PlayerConnection }> {
  const server = cluster.servers[i % 2];
  const me = await signInGuest(server.url);
  await fundNewPlayer(cluster.db.url, me.userId, gold);
  return { userId: me.userId, tab: await joinPlayerRoom(server.url, me.token) };
}

test('a limited offer sells exactly its stock across two processes, though no counter existed before the race', async () => {
  // golden-crown (economy/default.json): 5,000 gold, 5 in stock. No counter: the first sales of
  // both processes open it at once.
  const stock = 5;
  await queryRows(cluster.db.url, `DELETE FROM shop_items WHERE item_id = 'golden-crown'`);
  const buyers = await Promise.all(Array.from({ length: 12 }, (_, i) => buyer(i, 5_000)));
  const hosts = await Promise.all(buyers.map((b) => processOf(b.tab.room.roomId)));
  assert.equal(new Set(hosts).size, 2, 'buyers on both processes');

  const replies = await Promise.all(buyers.map((b) => b.tab.send(CommandType.shopBuy, { itemId: 'golden-crown', qty: 1 })));
  const sold = replies.flatMap((r, i) => ('ack' in r ? [hosts[i]] : []));
  assert.equal(sold.length, stock, JSON.stringify(replies));
  for (const refused of replies.filter((r) => 'nack' in r).map(expectNack)) {
    assert.equal(refused.code, 'CONFLICT');
    assert.ok(refused.reason === 'SOLD_OUT' || refused.reason === 'NOT_ENOUGH_STOCK', `reason ${refused.reason}`);
  }
  const [row] = await queryRows<{ stock: number }>(cluster.db.url, `SELECT stock FROM shop_items WHERE item_id = 'golden-crown'`);
  assert.equal(row.stock, 0);
  const owners = await queryRows<{ balance: string; qty: number | null; bought: number | null }>(
    cluster.db.url,
    `SELECT b.balance, (p.inventory ->> 'golden-crown')::int AS qty, (p.purchases ->> 'golden-crown')::int AS bought
       FROM players p JOIN balances b ON b.account = p.user_id AND b.currency = 'gold' WHERE p.user_id = ANY($1)`,
    [buyers.map((b) => b.userId)],
  );
  assert.equal(owners.filter((o) => o.qty === 1 && o.bought === 1).length, stock, 'exactly the stock landed in inventories, each purchase counted');
  for (const o of owners) assert.equal(Number(o.balance), o.qty === 1 ? 0 : 5_000, 'nobody is charged for nothing');

  // A later buyer on either process finds it sold out.
  const late = await buyer(0, 5_000);
  assert.equal(expectNack(await late.tab.send(CommandType.shopBuy, { itemId: 'golden-crown', qty: 1 })).reason, 'SOLD_OUT');
  await Promise.all([...buyers, late].map((b) => b.tab.leave()));
});
