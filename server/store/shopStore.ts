// Reading the shop catalog, through the ShopItem entity. Prices and the active flag are read for
// each purchase; the stock read here only shapes the answer, the commit batch checks it again
// (batchStatements.ts).
import { ShopItem, type IShopItem } from '../../schema/entities/shopItem.ts';
import type { CatalogItem } from '../domain/shop.ts';
import type { Orm } from './orm.ts';

const FIELDS = ['itemId', 'name', 'price', 'stock', 'active'] as const;

const toItem = (r: Pick<IShopItem, (typeof FIELDS)[number]>): CatalogItem => ({ itemId: r.itemId, name: r.name, price: r.price, stock: r.stock ?? null, active: r.active });

export async function findShopItem(orm: Orm, itemId: string): Promise<CatalogItem | undefined> {
  const row = await orm.em().findOne(ShopItem, { itemId }, { fields: FIELDS });
  return row ? toItem(row) : undefined;
}

export async function listShopItems(orm: Orm): Promise<CatalogItem[]> {
  const rows = await orm.em().find(ShopItem, {}, { fields: FIELDS, orderBy: { itemId: 'asc' } });
  return rows.map(toItem);
}
