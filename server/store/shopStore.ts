// Reading the shop catalog. Prices and the active flag are read for each purchase; the stock read
// here only shapes the answer, the commit batch checks it again (batchStatements.ts).
import type { CatalogItem } from '../domain/shop.ts';
import type { Sql } from './sql.ts';

type Row = { item_id: string; name: string; price: string; stock: number | null; active: boolean };

const toItem = (r: Row): CatalogItem => ({ itemId: r.item_id, name: r.name, price: Number(r.price), stock: r.stock, active: r.active });

export async function findShopItem(sql: Sql, itemId: string): Promise<CatalogItem | undefined> {
  const [row] = await sql.query<Row>(`SELECT item_id, name, price, stock, active FROM shop_items WHERE item_id = $1`, [itemId], undefined, 'coffer_shop_item');
  return row && toItem(row);
}

export async function listShopItems(sql: Sql): Promise<CatalogItem[]> {
  const rows = await sql.query<Row>(`SELECT item_id, name, price, stock, active FROM shop_items ORDER BY item_id`);
  return rows.map(toItem);
}
