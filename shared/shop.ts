// The public shop catalog (`GET /shop`, docs/PROTOCOL.md): the offers of the economy version in
// force (economy.shop), each with what is left of it, as a client shows them. The fields protocol-1
// clients read (itemId, name, price, stock, active) keep their meaning. Types only: the browser
// bundle imports them.
import type { CurrencyId, Grants } from './economy.ts';

export type ShopOfferView = {
  /** The offer's id: what `shop.buy` names as `itemId`. */
  itemId: string;
  name: string;
  /** The price of one unit, in `currency`. */
  price: number;
  currency: CurrencyId;
  /** What one unit grants: items into the inventory, currencies into the wallet. */
  grants: Grants;
  /** Units left for everyone together, or null when unlimited. */
  stock: number | null;
  /** Units one player may buy in all, or null for no limit. */
  perPlayer: number | null;
  /** ISO 8601 bounds of the sale (null: none). */
  startsAt: string | null;
  endsAt: string | null;
  /** On sale now: inside its window (it may still be sold out). */
  active: boolean;
};

export type ShopCatalog = { economyVersion: number; items: ShopOfferView[] };
