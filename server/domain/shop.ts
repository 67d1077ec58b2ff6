// Buying from the shop: the price goes to the shop account, the items into the inventory, and a
// limited item's stock goes down, all in one commit. The catalog row is read just before deciding;
// the stock decrement itself is checked by PostgreSQL when the batch commits (the last unit sells
// once even when buyers race), so `stockLeft` is the stock as this purchase left it.
import type { ShopBuyResult } from '../../shared/commands.ts';
import { GOLD } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { Reason } from '../../shared/reasons.ts';
import { Refused } from './errors.ts';
import { SystemAccount, transfer } from './ledger.ts';
import { addItems, applyTransfers, balanceOf, type Decision, type Player } from './player.ts';

export type CatalogItem = { itemId: string; name: string; price: number; stock: number | null; active: boolean };

/** No such item in the catalog: a purchase, or an admin removing it (the same reason, one sentence). */
export function unknownItem(itemId: string): Refused {
  return new Refused(Reason.UNKNOWN_ITEM, `itemId ${itemId} is not in the shop catalog`);
}

export function buyItem(player: Player, itemId: string, item: CatalogItem | undefined, qty: number, commandId: string): Decision<ShopBuyResult> {
  if (!item) throw unknownItem(itemId);
  if (!item.active) throw new Refused(Reason.NOT_FOR_SALE, `itemId ${itemId} is not for sale at the moment`);
  if (item.stock !== null && item.stock < qty) {
    throw item.stock === 0 ? new Refused(Reason.SOLD_OUT, `itemId ${itemId} is sold out`) : new Refused(Reason.NOT_ENOUGH_STOCK, `qty ${qty} is more than the ${item.stock} left of ${itemId}`);
  }
  const price = item.price * qty;
  if (!Number.isSafeInteger(price)) throw new Refused(Reason.TOTAL_TOO_LARGE, `qty ${qty} of ${itemId} costs more than any balance can hold`);
  const transfers = [transfer(player.userId, SystemAccount.shop, price, GOLD, 'shop.buy', itemId, commandId)];
  const paid = applyTransfers(player, transfers, 'price');
  const balance = balanceOf(paid, GOLD);
  const inventory = addItems(player.inventory, { [itemId]: qty });
  const stockLeft = item.stock === null ? null : item.stock - qty;
  return {
    next: { ...paid, inventory },
    transfers,
    stock: item.stock === null ? [] : [{ itemId, qty }],
    events: [
      { type: EventType.balanceChanged, data: { delta: -price, balance, currency: GOLD, reason: 'shop.buy', ref: itemId } },
      { type: EventType.purchaseCompleted, data: { itemId, qty, price } },
    ],
    result: { balance, owned: inventory[itemId], stockLeft },
  };
}
