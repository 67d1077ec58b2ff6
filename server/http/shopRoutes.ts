// GET /shop: the shop catalog (itemId, name, price, stock, active), for the browser client's shop
// and the admin's shop editor. Read-only and public like a price list; purchases go through the
// player room (`shop.buy`), which reads prices and stock again inside its commit.
import { createEndpoint } from '@colyseus/core';
import { listShopItems } from '../store/shopStore.ts';
import type { Orm } from '../store/orm.ts';
import { httpError, json } from './json.ts';

export function shopRoutes(orm: Orm) {
  return {
    shopCatalog: createEndpoint('/shop', { method: 'GET' }, async () => {
      try {
        return json(200, { items: await listShopItems(orm) });
      } catch {
        // The database is down: the same answer rooms give (retry later), not a stack trace.
        return httpError(503, 'UNAVAILABLE', 'the shop catalog is unavailable; try again shortly');
      }
    }),
  };
}
