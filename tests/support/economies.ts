// Economies for tests that need more than gold: today's default document plus `gems`, a premium
// currency bought with gold at 100 gold for 1 gem and sold back at 1 gem for 90 gold (the house
// keeps a spread, so no loop of exchanges gains).
import type { Economy, PublishedEconomy } from '../../shared/economy.ts';
import { defaultEconomy } from '../../server/economy/defaultEconomy.ts';

export const GEMS = 'gems';

export function withGems(economy: Economy = defaultEconomy): Economy {
  return {
    ...economy,
    currencies: { ...economy.currencies, [GEMS]: { name: 'Gems', premium: true } },
    exchange: [...economy.exchange, { from: 'gold', to: GEMS, give: 100, get: 1 }, { from: GEMS, to: 'gold', give: 1, get: 90 }],
  };
}

/** `economy` as a published version (for a fixed EconomySource). */
export function published(economy: Economy, version = 2): PublishedEconomy {
  return { version, economy, publishedAt: new Date(0).toISOString(), publishedBy: 'test' };
}
