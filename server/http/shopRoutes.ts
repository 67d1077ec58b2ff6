// GET /shop: the shop catalog, the offers of the economy version in force with what is left of
// each, whether each is inside its sale window, and that version (shared/shop.ts), for the browser
// client's shop. Read-only and public like a price list; purchases go through the player room
// (`shop.buy`), which decides under the version in force then and checks the stock again in its
// commit.
import { createEndpoint } from '@colyseus/core';
import type { Clock } from '../domain/clock.ts';
import { catalogOf } from '../domain/shop.ts';
import type { EconomySource } from '../economy/source.ts';
import { listStockLeft } from '../store/shopStore.ts';
import type { Orm } from '../store/orm.ts';
import { httpError, json } from './json.ts';

export function shopRoutes(orm: Orm, economy: EconomySource, clock: Clock) {
  return {
    shopCatalog: createEndpoint('/shop', { method: 'GET' }, async () => {
      const published = economy.current();
      const limited = Object.entries(published.economy.shop).filter(([, offer]) => offer.stock !== null).map(([itemId]) => itemId);
      try {
        return json(200, catalogOf(published, await listStockLeft(orm, limited), clock.now()));
      } catch {
        // The database is down: the same answer rooms give (retry later), not a stack trace.
        return httpError(503, 'UNAVAILABLE', 'the shop catalog is unavailable; try again shortly');
      }
    }),
  };
}
