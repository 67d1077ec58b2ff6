// The migration that moves the shop's offers to the economy, on a database filled by the code
// before it: what is left of each limited item stays its counter, unlimited items leave nothing
// behind, players start with no purchases counted; and its down migration gives the old code back
// a catalog it can sell from.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../schema/config.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

const SHOP_MIGRATION = /_shop_offers_from_economy$/;

let db: TestDatabase;
let orm: MikroORM;
let before_: string;
const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => orm.em.fork().execute(query, params) as Promise<T[]>;

before(async () => {
  db = await createTestDatabase('coffer_shop_migration');
  orm = await MikroORM.init(ormConfig(db.url, { poolMax: 2 }));
  const names = (await orm.migrator.getPending()).map((m) => m.name);
  const at = names.findIndex((n) => SHOP_MIGRATION.test(n));
  assert.ok(at > 0, `the shop migration is among ${names.join(', ')}`);
  before_ = names[at - 1];
  await orm.migrator.up({ to: before_ });
});

after(async () => {
  await orm?.close(true);
  await db?.drop();
});

test('up keeps what is left of each limited item as its counter; down restores the catalog the old code sells from', async () => {
  // The catalog as the old code left it: two crowns sold, an admin's own item, a player who bought.
  await sql(`update shop_items set stock = 3 where item_id = 'golden-crown'`);
  await sql(`insert into shop_items (item_id, name, price, stock, active) values ('admin-sword', 'Admin sword', 30, null, true), ('admin-lamp', 'Admin lamp', 7, 4, false)`);
  await sql(`insert into players (user_id, display_name, inventory) values ('p-old', 'old', '{"golden-crown": 2}')`);

  await orm.migrator.up();
  assert.deepEqual(await sql(`select item_id, stock from shop_items order by item_id`), [
    { item_id: 'admin-lamp', stock: 4 },
    { item_id: 'golden-crown', stock: 3 },
    { item_id: 'lucky-charm', stock: 100 },
  ]);
  assert.deepEqual(await sql(`select inventory, purchases from players where user_id = 'p-old'`), [{ inventory: { 'golden-crown': 2 }, purchases: {} }]);
  // The economy's offers sell on: a counter opened for a new one, the crown sold once more.
  await sql(`insert into shop_items (item_id, stock) values ('event-bundle', 9)`);
  await sql(`update shop_items set stock = 2 where item_id = 'golden-crown'`);

  await orm.migrator.down({ to: before_ });
  assert.deepEqual(await sql(`select item_id, name, price::int, stock, active from shop_items order by item_id`), [
    { item_id: 'golden-crown', name: 'Golden crown', price: 5000, stock: 2, active: true },
    { item_id: 'health-potion', name: 'Health potion', price: 50, stock: null, active: true },
    { item_id: 'lucky-charm', name: 'Lucky charm', price: 500, stock: 100, active: true },
    { item_id: 'mana-potion', name: 'Mana potion', price: 60, stock: null, active: true },
    { item_id: 'retired-hat', name: 'Retired hat', price: 100, stock: null, active: false },
  ]);
  assert.deepEqual(await sql(`select inventory from players where user_id = 'p-old'`), [{ inventory: { 'golden-crown': 2 } }]);
  await assert.rejects(sql(`insert into shop_items (item_id, name, price) values ('free', 'Free', 0)`), /shop_items_price_positive/, 'the old CHECKs are back');

  assert.ok((await orm.migrator.up()).length > 0, 'and up again');
  assert.deepEqual(await sql(`select item_id, stock from shop_items order by item_id`), [
    { item_id: 'golden-crown', stock: 2 },
    { item_id: 'lucky-charm', stock: 100 },
  ]);
});
