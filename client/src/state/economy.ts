// The current economy from GET /economy (docs/ECONOMY.md): the currencies' names, the exchange rates
// and the currencies each game accepts. Informative, like the shop's prices: the server decides every
// command under the version it reads when the command starts, and its answer is what counts.
import { signal } from '@preact/signals';
import { GOLD, type PublishedEconomy } from '../../../shared/economy.ts';

export type PublicEconomy = Pick<PublishedEconomy, 'version' | 'publishedAt' | 'economy'>;

export const economy = signal<PublicEconomy | null>(null);
export const economyError = signal('');

let loading: Promise<void> | undefined;

/** Fetches the current version; calls made while one fetch is on its way share it. */
export function refreshEconomy(): Promise<void> {
  loading ??= fetch('/economy')
    .then(async (response) => {
      const body = (await response.json()) as Partial<PublicEconomy> & { message?: string };
      if (!response.ok || !body.economy) throw new Error(body.message ?? `the server answered HTTP ${response.status}`);
      economy.value = body as PublicEconomy;
      economyError.value = '';
    })
    .catch((error: Error) => {
      economyError.value = `The economy could not be loaded (${error.message}).`;
    })
    .finally(() => (loading = undefined));
  return loading;
}

/** A currency's display name; its id until the economy naming it is loaded. */
export function currencyName(id: string): string {
  return economy.value?.economy.currencies[id]?.name ?? id;
}

/** Every currency worth showing in a wallet: the economy's, in its order, then any other the wallet holds. */
export function walletCurrencies(wallet: Record<string, number>): string[] {
  const known = Object.keys(economy.value?.economy.currencies ?? { [GOLD]: 0 });
  return [...known, ...Object.keys(wallet).filter((id) => !known.includes(id)).sort()];
}
