// Buying from the shop: an offer of the economy version in force (economy.shop, docs/ECONOMY.md) is
// paid in its price's currency (player -> shop account), grants its items into the inventory and
// its currencies from the mint (a bundle may grant several of each), takes a limited offer's units
// out of stock and counts the player's purchases of it (the per-player limit), all in one commit.
// What is left of a limited offer is read just before deciding; the stock claim itself is checked
// by PostgreSQL when the batch commits (the last unit sells once even when buyers race), so
// `stockLeft` is the stock as this purchase left it.
import type { ShopBuyResult } from '../../shared/commands.ts';
import type { Amounts, CurrencyId, Economy, PublishedEconomy, ShopOffer } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { Reason } from '../../shared/reasons.ts';
import type { ShopCatalog, ShopOfferView } from '../../shared/shop.ts';
import { Refused } from './errors.ts';
import { currenciesOf, netDelta, SystemAccount, transfer, type Transfer } from './ledger.ts';
import { addItems, applyTransfers, balanceOf, type Decision, type DomainEvent, type Player } from './player.ts';

/** What a purchase is decided on besides the player: the offer named in the economy version in
 *  force (undefined: no such offer), its counter in storage (undefined: it has not sold yet, or it
 *  is unlimited), and the time. */
export type ShopContext = { offer: ShopOffer | undefined; counted: number | undefined; economyVersion: number; now: number };

export type Purchase = { itemId: string; qty: number; commandId: string };

/** The offer `itemId` of `economy`'s shop, undefined when there is none (own keys only: an id such
 *  as `constructor` names no offer). */
export function offerOf(economy: Economy, itemId: string): ShopOffer | undefined {
  return Object.hasOwn(economy.shop, itemId) ? economy.shop[itemId] : undefined;
}

/** No such offer in the shop. */
export function unknownItem(itemId: string): Refused {
  return new Refused(Reason.UNKNOWN_ITEM, `itemId ${itemId} is not in the shop catalog`);
}

/** What is left of `offer`: its counter once it has sold, its whole stock before; null when unlimited. */
export function stockLeftOf(offer: ShopOffer, counted: number | undefined): number | null {
  return offer.stock === null ? null : (counted ?? offer.stock);
}

/** Where `now` falls in the offer's sale window: before `startsAt`, from `endsAt` on, or inside. */
export function saleWindow(offer: ShopOffer, now: number): 'notStarted' | 'ended' | 'open' {
  if (offer.startsAt !== null && now < Date.parse(offer.startsAt)) return 'notStarted';
  if (offer.endsAt !== null && now >= Date.parse(offer.endsAt)) return 'ended';
  return 'open';
}

export function buyItem(player: Player, purchase: Purchase, context: ShopContext): Decision<ShopBuyResult> {
  const { itemId, qty, commandId } = purchase;
  const { offer, economyVersion } = context;
  if (!offer) throw unknownItem(itemId);
  const window = saleWindow(offer, context.now);
  // NOT_FOR_SALE, which protocol-1 clients know, with the bound in the sentence (docs/PROTOCOL.md).
  if (window === 'notStarted') throw new Refused(Reason.NOT_FOR_SALE, `itemId ${itemId} is not for sale before ${offer.startsAt}`);
  if (window === 'ended') throw new Refused(Reason.NOT_FOR_SALE, `itemId ${itemId} is not for sale since ${offer.endsAt}`);
  const stockLeft = stockLeftOf(offer, context.counted);
  if (stockLeft !== null && stockLeft < qty) {
    throw stockLeft === 0 ? new Refused(Reason.SOLD_OUT, `itemId ${itemId} is sold out`) : new Refused(Reason.NOT_ENOUGH_STOCK, `qty ${qty} is more than the ${stockLeft} left of ${itemId}`);
  }
  const bought = player.purchases[itemId] ?? 0;
  if (offer.perPlayer !== null && bought + qty > offer.perPlayer) {
    const mayBuy = Math.max(0, offer.perPlayer - bought);
    throw new Refused(
      Reason.PURCHASE_LIMIT,
      mayBuy === 0 ? `itemId ${itemId} is limited to ${offer.perPlayer} per player, and you have bought ${bought}` : `qty ${qty} is more than the ${mayBuy} of ${itemId} you may still buy (${offer.perPlayer} per player)`,
    );
  }

  const { currency } = offer.price;
  const price = times(offer.price.amount, qty, () => `qty ${qty} of ${itemId} costs more than any balance can hold`);
  const granted = Object.entries(offer.grants.currencies ?? {}).map(([c, amount]): [CurrencyId, number] => [c, times(amount, qty, () => `qty ${qty} of ${itemId} grants more ${c} than any balance can hold`)]);
  const transfers: Transfer[] = [
    ...(price > 0 ? [transfer(player.userId, SystemAccount.shop, price, currency, 'shop.buy', itemId, commandId)] : []),
    ...granted.filter(([, amount]) => amount > 0).map(([c, amount]) => transfer(SystemAccount.mint, player.userId, amount, c, 'shop.buy', itemId, commandId)),
  ];
  const items = scaled(offer.grants.items ?? {}, qty);
  const paid = applyTransfers(player, transfers, 'price');
  const inventory = addItems(player.inventory, items);
  const purchases = { ...player.purchases, [itemId]: bought + qty };
  return {
    next: { ...paid, inventory, purchases },
    transfers,
    stock: offer.stock === null ? [] : [{ itemId, qty, opening: offer.stock }],
    events: [...balanceEvents(paid, transfers, itemId), { type: EventType.purchaseCompleted, data: { itemId, qty, price, currency } }],
    result: { balance: balanceOf(paid, currency), owned: ownedAfter(offer, itemId, inventory, purchases), stockLeft: stockLeft === null ? null : stockLeft - qty, currency, economyVersion },
  };
}

/** The public catalog (GET /shop): every offer of `published` with what is left of it (`counted`:
 *  the counters that have opened) and whether it is inside its window at `now`. */
export function catalogOf(published: PublishedEconomy, counted: ReadonlyMap<string, number>, now: number): ShopCatalog {
  const items = Object.entries(published.economy.shop).map(
    ([itemId, offer]): ShopOfferView => ({
      itemId,
      name: offer.name,
      price: offer.price.amount,
      currency: offer.price.currency,
      grants: offer.grants,
      stock: stockLeftOf(offer, counted.get(itemId)),
      perPlayer: offer.perPlayer,
      startsAt: offer.startsAt,
      endsAt: offer.endsAt,
      active: saleWindow(offer, now) === 'open',
    }),
  );
  return { economyVersion: published.version, items: items.sort((a, b) => (a.itemId < b.itemId ? -1 : 1)) };
}

/**
 * `owned` of the result: how many the player now has of the one item kind the offer grants (every
 * single-item offer), else, for a bundle of several kinds or of currencies only, how many units of
 * the offer they have bought in all.
 */
function ownedAfter(offer: ShopOffer, itemId: string, inventory: Record<string, number>, purchases: Record<string, number>): number {
  const kinds = Object.keys(offer.grants.items ?? {});
  return kinds.length === 1 ? inventory[kinds[0]] : purchases[itemId];
}

/** One balance.changed per currency the purchase moved, with the wallet's balance after it. */
function balanceEvents(paid: Player, transfers: readonly Transfer[], itemId: string): DomainEvent[] {
  return currenciesOf(transfers)
    .map((currency) => ({ currency, delta: netDelta(paid.userId, currency, transfers) }))
    .filter(({ delta }) => delta !== 0)
    .map(({ currency, delta }) => ({ type: EventType.balanceChanged, data: { delta, balance: balanceOf(paid, currency), currency, reason: 'shop.buy', ref: itemId } }));
}

/** `amount` × `qty`, refused (TOTAL_TOO_LARGE) beyond a safe whole number. */
function times(amount: number, qty: number, message: () => string): number {
  const total = amount * qty;
  if (!Number.isSafeInteger(total)) throw new Refused(Reason.TOTAL_TOO_LARGE, message());
  return total;
}

function scaled(amounts: Amounts, qty: number): Amounts {
  return Object.fromEntries(Object.entries(amounts).map(([id, n]) => [id, times(n, qty, () => `qty ${qty} grants more ${id} than an inventory can hold`)]));
}
