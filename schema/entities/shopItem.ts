import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * The shop catalog. `stock` null means unlimited; a limited item's stock is decremented inside the
 * commit batch that sells it, and the CHECK below is what makes the last unit sell exactly once
 * even when buyers on different rooms or processes race for it.
 */
export const ShopItem = defineEntity({
  name: 'ShopItem',
  tableName: 'shop_items',
  properties: {
    itemId: p.text().primary(),
    name: p.text(),
    price: p.bigint('number'),
    stock: p.integer().nullable(),
    active: p.boolean().default(true),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  checks: [
    { name: 'shop_items_price_positive', expression: 'price > 0' },
    { name: 'shop_items_stock_nonnegative', expression: 'stock is null or stock >= 0' },
  ],
});

export type IShopItem = InferEntity<typeof ShopItem>;
