// The shop (GET /shop for the list, shop.buy to purchase) and the inventory (player state).
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CommandType } from '../../../shared/commandNames.ts';
import type { RoomLink } from '../net/roomLink.ts';
import { catalog, catalogError, refreshCatalog } from '../state/shopCatalog.ts';
import type { PlayerSnapshot } from '../state/snapshots.ts';
import { ErrorLine } from './ErrorLine.tsx';
import { useCommand } from './useCommand.ts';

export function Shop({ player }: { player: RoomLink<PlayerSnapshot> }) {
  const { busy, error, run } = useCommand(player);
  const note = useSignal('');
  useEffect(() => void refreshCatalog(), []);

  async function buy(itemId: string, name: string) {
    const r = await run(CommandType.shopBuy, { itemId, qty: 1 });
    if (!r) return;
    note.value = `Bought ${name}; you own ${r.owned}.`;
    void refreshCatalog();
  }

  return (
    <section class="card" aria-labelledby="shop-title">
      <h2 id="shop-title">Shop</h2>
      <ErrorLine message={catalogError.value} />
      <ul class="items">
        {catalog.value
          .filter((item) => item.active)
          .map((item) => (
            <li key={item.itemId}>
              <span>
                <strong>{item.name}</strong> — {item.price} gold{item.stock === null ? '' : `, ${item.stock} left`}
              </span>
              <button type="button" disabled={busy.value || item.stock === 0} aria-label={`Buy ${item.name} for ${item.price} gold`} onClick={() => buy(item.itemId, item.name)}>
                Buy
              </button>
            </li>
          ))}
      </ul>
      {note.value ? <p role="status">{note.value}</p> : null}
      <ErrorLine message={error.value} />
      <Inventory player={player} />
    </section>
  );
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
