import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * What is left of each limited shop offer, keyed by the offer's id. The offers themselves (price,
 * grants, limits, sale window) are the economy's (`economy.shop`, docs/ECONOMY.md); only the
 * counter lives here, so it survives publishes. A row is created by the first sale of a limited
 * offer, from the offer's `stock` at that moment, and goes down inside the commit batch that sells
 * (server/store/batchStatements.ts); the CHECK below is what makes the last unit sell exactly once
 * even when buyers on different rooms or processes race for it.
 */
export const ShopItem = defineEntity({
  name: 'ShopItem',
  tableName: 'shop_items',
  properties: {
    itemId: p.text().primary(),
    stock: p.integer(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  checks: [{ name: 'shop_items_stock_nonnegative', expression: 'stock >= 0' }],
});

export type IShopItem = InferEntity<typeof ShopItem>;
