// What is left of the limited shop offers (the ShopItem entity: one counter per offer id). The
// offers themselves are the economy's (economy.shop); the count read here only shapes a decision
// and its answer, the commit batch checks it again (batchStatements.ts).
import { ShopItem } from '../../schema/entities/shopItem.ts';
import { namesOf, perMapping } from './entityNames.ts';
import type { Orm } from './orm.ts';
import { prepared, type Sql } from './sql.ts';

/** The purchase read as SQL named by the entity, built once per mapping. */
const leftStatement = perMapping((metadata) => {
  const s = namesOf(metadata, ShopItem);
  return prepared(`SELECT ${s.select(['stock'])} FROM ${s.table} WHERE ${s.col('itemId')} = $1`);
});

/**
 * Once per shop.buy of a limited offer: a named statement, planned once per connection, like the
 * batch. Through the EntityManager the catalog read cost 0.37 ms instead of 0.13 ms (3,000 reads
 * in a row on this machine), most of it the server's own CPU. Undefined: the offer has not sold
 * yet (its counter opens at its first sale).
 */
export async function findStockLeft(sql: Sql, offerId: string): Promise<number | undefined> {
  const [row] = await sql.query<{ stock: number }>(leftStatement(sql.metadata), [offerId]);
  return row?.stock;
}

/** The counters of `offerIds` that have opened (GET /shop): rare, through the EntityManager. */
export async function listStockLeft(orm: Orm, offerIds: readonly string[]): Promise<Map<string, number>> {
  if (offerIds.length === 0) return new Map();
  const rows = await orm.em().find(ShopItem, { itemId: { $in: [...offerIds] } }, { fields: ['itemId', 'stock'] });
  return new Map(rows.map((r) => [r.itemId, r.stock]));
}
