// The shop catalog from GET /shop. Prices shown here are informative; shop.buy charges what the
// server reads inside its commit, and the answer's balance is what the header shows.
import { signal } from '@preact/signals';
import type { ShopItemView } from '../../../shared/adminCommands.ts';

export const catalog = signal<ShopItemView[]>([]);
export const catalogError = signal('');

export async function refreshCatalog(): Promise<void> {
  try {
    const response = await fetch('/shop');
    const body = (await response.json()) as { items?: ShopItemView[]; message?: string };
    if (!response.ok || !body.items) throw new Error(body.message ?? `the shop answered HTTP ${response.status}`);
    catalog.value = body.items;
    catalogError.value = '';
  } catch (error) {
    catalogError.value = (error as Error).message;
  }
}
