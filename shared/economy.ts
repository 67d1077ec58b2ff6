// The economy as data (docs/ECONOMY.md): currencies, exchange rates, the shop catalog, reward tables
// and each game's parameters, in one JSON document that an admin publishes as a new version while
// the server runs. These are its types only (no zod: the browser bundle imports them); the schema
// that validates a document is server/economy/schema.ts, and the default document is
// economy/default.json.

import type { NackDetail } from './protocol.ts';

/** A currency's id: how transfers, prices, limits and wallets name it. */
export const CURRENCY_ID = /^[a-z][a-z0-9-]{0,31}$/;
export type CurrencyId = string;

/** The currency every protocol-1 client knows: PlayerState.balance is its balance. */
export const GOLD = 'gold';

/** An item's id (inventories, grants) and a shop offer's id (`shop.buy`'s `itemId`). */
export const ITEM_ID = /^[a-z0-9-]{1,64}$/;

/** One thing wrong with a document: its JSON path, dot-separated with array indexes as numbers
 *  (`shop.lucky-charm.price.currency`, `exchange.0.give`; '' for the document itself), and what is wrong. */
export type EconomyProblem = NackDetail;

export type CurrencyDefinition = {
  name: string;
  /** Bought with real money (shown apart, never minted by games). */
  premium: boolean;
};

/** Exchanging `amount` of `from` yields floor(amount × get / give) of `to`, through the house. */
export type ExchangeRate = { from: CurrencyId; to: CurrencyId; give: number; get: number };

/** Whole amounts per currency, e.g. `{ "gold": 100 }`. */
export type Amounts = Record<CurrencyId, number>;

/** What an offer, a reward or a prize grants: currencies and items. */
export type Grants = { currencies?: Amounts; items?: Record<string, number> };

export type Price = { currency: CurrencyId; amount: number };

/** One offer of the shop: a single item (it grants itself) or a bundle (it grants several things). */
export type ShopOffer = {
  name: string;
  price: Price;
  grants: Grants;
  /** Units in stock for everyone together, or null for unlimited. Kept across publishes. */
  stock: number | null;
  /** Units one player may buy in all, or null for no limit. */
  perPlayer: number | null;
  /** ISO 8601 times between which the offer is for sale (null: no bound). */
  startsAt: string | null;
  endsAt: string | null;
};

/** The smallest and largest stake a game accepts in one currency. */
export type BetLimits = { min: number; max: number };

export type Economy = {
  currencies: Record<CurrencyId, CurrencyDefinition>;
  exchange: ExchangeRate[];
  shop: Record<string, ShopOffer>;
  rewards: {
    /** Daily streak: the reward of day n is days[min(n, days.length) - 1]. */
    streak: { currency: CurrencyId; days: number[]; xp: number };
    /** Granted when a player reaches `level` (levels not listed grant nothing). */
    levelUp: Array<{ level: number; grants: Grants }>;
    /** What a new task's bounty is when the admin gives none, and its currency. */
    bounty: { currency: CurrencyId; amount: number; xp: number };
  };
  /** Each installed game's parameters, validated by the game module's own `params` schema
   *  (server/games/gameModule.ts); each names the currencies the game accepts (bet limits, or a
   *  price per currency). */
  games: Record<string, unknown>;
  crash: { limits: Record<CurrencyId, BetLimits> };
};

/** A published version of the economy. `publishedBy`: the admin's userId, or `file:<path>` when
 *  the server published its economy file at start. */
export type PublishedEconomy = { version: number; economy: Economy; publishedAt: string; publishedBy: string };

/** A version in the list of versions (admin.economy.get), without its document. */
export type EconomyVersionInfo = { version: number; publishedAt: string; publishedBy: string };

/** What `GET /economy` and `GET /economy/<version>` serve: public, for anyone to verify offline. */
export type PublicEconomy = { version: number; publishedAt: string; economy: Economy };
