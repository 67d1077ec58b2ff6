// The shop catalog from GET /shop: the offers of the economy version in force, with what is left of
// each. Prices shown here are informative; shop.buy charges what the economy in force says when it
// is decided, and the answer's balance is what the header shows.
import { signal } from '@preact/signals';
import type { ShopCatalog, ShopOfferView } from '../../../shared/shop.ts';

export const catalog = signal<ShopOfferView[]>([]);
export const catalogError = signal('');

export async function refreshCatalog(): Promise<void> {
  try {
    const response = await fetch('/shop');
    const body = (await response.json()) as Partial<ShopCatalog> & { message?: string };
    if (!response.ok || !body.items) throw new Error(body.message ?? `the shop answered HTTP ${response.status}`);
    catalog.value = body.items;
    catalogError.value = '';
  } catch (error) {
    catalogError.value = (error as Error).message;
  }
}
