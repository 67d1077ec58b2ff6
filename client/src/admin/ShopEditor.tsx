// admin.shop.upsert / admin.shop.remove, over the catalog from GET /shop.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { AdminCommandType } from '../../../shared/commandNames.ts';
import type { ShopItemView } from '../../../shared/adminCommands.ts';
import type { CommandSender } from '../net/roomLink.ts';
import { amountOf } from '../games/BetInput.tsx';
import { catalog, catalogError, refreshCatalog } from '../state/shopCatalog.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { Field } from './AdminForm.tsx';

export function ShopEditor({ admin }: { admin: CommandSender }) {
  const { busy, error, run } = useCommand(admin);
  const itemId = useSignal('');
  const name = useSignal('');
  const price = useSignal('');
  const stock = useSignal('');
  const active = useSignal(true);
  useEffect(() => void refreshCatalog(), []);

  function edit(item: ShopItemView) {
    itemId.value = item.itemId;
    name.value = item.name;
    price.value = String(item.price);
    stock.value = item.stock === null ? '' : String(item.stock);
    active.value = item.active;
  }

  async function save(e: Event) {
    e.preventDefault();
    const item = { itemId: itemId.value.trim(), name: name.value, price: amountOf(price.value), stock: stock.value.trim() === '' ? null : amountOf(stock.value), active: active.value };
    if (await run(AdminCommandType.shopUpsert, { item })) void refreshCatalog();
  }

  async function remove(id: string) {
    if (await run(AdminCommandType.shopRemove, { itemId: id })) void refreshCatalog();
  }

  return (
    <section class="card" aria-labelledby="shop-editor-title">
      <h2 id="shop-editor-title">Shop editor</h2>
      <ErrorLine message={catalogError.value} />
      <ul class="items">
        {catalog.value.map((item) => (
          <li key={item.itemId}>
            <span>
              {item.name} ({item.itemId}) — {item.price} gold, {item.stock === null ? 'unlimited' : `${item.stock} in stock`}, {item.active ? 'active' : 'inactive'}
            </span>
            <span class="row">
              <button type="button" aria-label={`Edit ${item.itemId}`} onClick={() => edit(item)}>
                Edit
              </button>
              <button type="button" disabled={busy.value} aria-label={`Remove ${item.itemId}`} onClick={() => remove(item.itemId)}>
                Remove
              </button>
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={save}>
        <Field id="item-id" label="Item id" value={itemId} />
        <Field id="item-name" label="Name" value={name} />
        <Field id="item-price" label="Price (gold)" value={price} />
        <Field id="item-stock" label="Stock (empty = unlimited)" value={stock} />
        <label class="check">
          <input type="checkbox" checked={active.value} onChange={(e) => (active.value = e.currentTarget.checked)} /> Active
        </label>
        <button type="submit" disabled={busy.value}>
          Save item
        </button>
      </form>
      <ErrorLine message={error.value} />
    </section>
  );
}
