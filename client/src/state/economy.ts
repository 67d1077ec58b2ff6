// The current economy from GET /economy (docs/ECONOMY.md): the currencies' names, the exchange rates
// and the currencies each game accepts. Informative, like the shop's prices: the server decides every
// command under the version it reads when the command starts, and its answer is what counts.
import { signal } from '@preact/signals';
import { GOLD, type PublicEconomy } from '../../../shared/economy.ts';

export const economy = signal<PublicEconomy | null>(null);
export const economyError = signal('');

/** A published version: `version` is 'current' (GET /economy) or a version number (GET /economy/<version>). */
export async function fetchEconomy(version: number | 'current'): Promise<PublicEconomy> {
  const response = await fetch(version === 'current' ? '/economy' : `/economy/${version}`);
  const body = (await response.json()) as Partial<PublicEconomy> & { message?: string };
  if (!response.ok || !body.economy) throw new Error(body.message ?? `the server answered HTTP ${response.status}`);
  return body as PublicEconomy;
}

let loading: Promise<void> | undefined;

/** Fetches the current version; calls made while one fetch is on its way share it. */
export function refreshEconomy(): Promise<void> {
  loading ??= fetchEconomy('current')
    .then((current) => {
      economy.value = current;
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

/**
 * Every currency worth showing in a wallet: gold first (the protocol-1 balance), then the economy's
 * others in the order its author wrote them, then any other the wallet holds.
 */
export function walletCurrencies(wallet: Record<string, number>): string[] {
  const known = Object.keys(economy.value?.economy.currencies ?? {});
  return [...new Set([GOLD, ...known, ...Object.keys(wallet).sort()])];
}
