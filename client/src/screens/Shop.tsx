// The shop (GET /shop for the offers, shop.buy to purchase) and the inventory (player state). Each
// offer shows its price in its currency, what a bundle grants, the stock left, the per-player limit
// against what this player bought, and its sale window; offers whose sale ended are not listed.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CommandType } from '../../../shared/commandNames.ts';
import type { Grants } from '../../../shared/economy.ts';
import type { ShopOfferView } from '../../../shared/shop.ts';
import type { RoomLink } from '../net/roomLink.ts';
import { catalog, catalogError, refreshCatalog } from '../state/shopCatalog.ts';
import type { PlayerSnapshot } from '../state/snapshots.ts';
import { ErrorLine } from './ErrorLine.tsx';
import { useCommand } from './useCommand.ts';

export function Shop({ player }: { player: RoomLink<PlayerSnapshot> }) {
  const { busy, error, run } = useCommand(player);
  const note = useSignal('');
  useEffect(() => void refreshCatalog(), []);
  const purchases = player.state.value?.purchases ?? {};
  const now = Date.now();

  async function buy(offer: ShopOfferView) {
    const r = await run(CommandType.shopBuy, { itemId: offer.itemId, qty: 1 });
    if (!r) return;
    note.value = `Bought ${offer.name}; you own ${r.owned}.`;
    void refreshCatalog();
  }

  return (
    <section class="card" aria-labelledby="shop-title">
      <h2 id="shop-title">Shop</h2>
      <ErrorLine message={catalogError.value} />
      <ul class="items">
        {catalog.value
          .filter((offer) => offer.endsAt === null || Date.parse(offer.endsAt) > now)
          .map((offer) => {
            const bought = purchases[offer.itemId] ?? 0;
            const limitReached = offer.perPlayer !== null && bought >= offer.perPlayer;
            return (
              <li key={offer.itemId} data-offer={offer.itemId}>
                <span>
                  <strong>{offer.name}</strong> — {offer.price} {offer.currency}
                  {isBundle(offer) ? <span class="offer-note"> · grants {describeGrants(offer.grants)}</span> : null}
                  {offer.stock === null ? null : <span class="offer-note"> · {offer.stock} left</span>}
                  {offer.perPlayer === null ? null : <span class="offer-note"> · bought {bought} of {offer.perPlayer} per player</span>}
                  <span class="offer-note">{windowText(offer)}</span>
                </span>
                <button
                  type="button"
                  disabled={busy.value || !offer.active || offer.stock === 0 || limitReached}
                  aria-label={`Buy ${offer.name} for ${offer.price} ${offer.currency}`}
                  onClick={() => buy(offer)}
                >
                  Buy
                </button>
              </li>
            );
          })}
      </ul>
      {note.value ? <p role="status">{note.value}</p> : null}
      <ErrorLine message={error.value} />
      <Inventory player={player} />
    </section>
  );
}

/** A bundle: anything but one unit of the item the offer is named after. */
function isBundle(offer: ShopOfferView): boolean {
  const items = Object.entries(offer.grants.items ?? {});
  const currencies = Object.keys(offer.grants.currencies ?? {});
  return currencies.length > 0 || items.length !== 1 || items[0][0] !== offer.itemId || items[0][1] !== 1;
}

/** Items, then currencies, in the order the economy's author wrote them (a stored version keeps it). */
function describeGrants(grants: Grants): string {
  const items = Object.entries(grants.items ?? {}).map(([itemId, qty]) => `${qty} × ${itemId}`);
  const currencies = Object.entries(grants.currencies ?? {}).map(([currency, amount]) => `${amount} ${currency}`);
  return [...items, ...currencies].join(', ');
}

function windowText(offer: ShopOfferView): string {
  if (!offer.active && offer.startsAt !== null) return ` · on sale from ${when(offer.startsAt)}`;
  if (offer.endsAt !== null) return ` · until ${when(offer.endsAt)}`;
  return '';
}

/** A bound of the sale window, in UTC to the minute (the same for every viewer). */
function when(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function Inventory({ player }: { player: RoomLink<PlayerSnapshot> }) {
  const items = Object.entries(player.state.value?.inventory ?? {}).filter(([, qty]) => qty > 0);
  return (
    <>
      <h3 id="inventory-title">Inventory</h3>
      {items.length === 0 ? <p>Empty.</p> : null}
      <ul aria-labelledby="inventory-title" data-testid="inventory">
        {items.map(([itemId, qty]) => (
          <li key={itemId}>
            {itemId} × {qty}
          </li>
        ))}
      </ul>
    </>
  );
}
