// Command schemas, validated at the room boundary. Every message a client sends is
// `{ id, ...fields }`; the error text names the field at fault (docs/PROTOCOL.md).
import { z } from 'zod';
import { CommandType, Hand, MAX_BET } from './commandNames.ts';
import { CURRENCY_ID, type CurrencyId } from './economy.ts';

// The names live in commandNames.ts (no zod, for the browser bundle); re-exported here.
export { CommandType, Hand, MAX_BET };

export const commandId = z
  .string({ error: 'id must be a string of 8-64 characters [A-Za-z0-9_-]' })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, { error: 'id must be 8-64 characters of [A-Za-z0-9_-]' });

export const wholeAmount = (field: string, max: number) =>
  z
    .number({ error: `${field} must be a whole number between 1 and ${max}` })
    .int({ error: `${field} must be a whole number between 1 and ${max}` })
    .min(1, { error: `${field} must be a whole number between 1 and ${max}` })
    .max(max, { error: `${field} must be a whole number between 1 and ${max}` });

/** A currency id (shared/economy.ts) in the field `field`; whether the economy has it is the
 *  deciding room's question (refused with UNKNOWN_CURRENCY, naming the field). */
export const currencyId = (field: string) =>
  z.string({ error: `${field} must be a currency id: 1-32 characters of [a-z0-9-], starting with a letter` }).regex(CURRENCY_ID, { error: `${field} must be a currency id: 1-32 characters of [a-z0-9-], starting with a letter` });

export const streakClaim = z.strictObject({ id: commandId });
export const eventsSync = z.strictObject({
  id: commandId,
  afterSeq: z
    .number({ error: 'afterSeq must be a whole number >= 0' })
    .int({ error: 'afterSeq must be a whole number >= 0' })
    .min(0, { error: 'afterSeq must be a whole number >= 0' })
    .max(Number.MAX_SAFE_INTEGER, { error: 'afterSeq must be a whole number >= 0' }),
});

export const MAX_BUY_QTY = 100;
export const shopBuy = z.strictObject({
  id: commandId,
  itemId: z.string({ error: 'itemId must be 1-64 characters of [a-z0-9-]' }).regex(/^[a-z0-9-]{1,64}$/, { error: 'itemId must be 1-64 characters of [a-z0-9-]' }),
  qty: wholeAmount('qty', MAX_BUY_QTY),
});

export const fairRotate = z.strictObject({
  id: commandId,
  clientSeed: z.string({ error: 'clientSeed must be 1-64 characters of [A-Za-z0-9_-]' }).regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'clientSeed must be 1-64 characters of [A-Za-z0-9_-]' }),
});

/** The most one exchange may spend. */
export const MAX_EXCHANGE = 1_000_000_000;
export const walletExchange = z
  .strictObject({ id: commandId, from: currencyId('from'), to: currencyId('to'), amount: wholeAmount('amount', MAX_EXCHANGE) })
  .refine((c) => c.from !== c.to, { error: 'to must be another currency than from', path: ['to'] });

/** The player room's own commands; the games' commands come from their modules (server/games/commands.ts). */
export const playerCommands = {
  [CommandType.streakClaim]: streakClaim,
  [CommandType.eventsSync]: eventsSync,
  [CommandType.fairRotate]: fairRotate,
  [CommandType.shopBuy]: shopBuy,
  [CommandType.walletExchange]: walletExchange,
} as const;

/** `reward` is in `currency` (the economy's rewards.streak.currency) and `balance` is that currency's balance. */
export type StreakClaimResult = { day: number; reward: number; currency: string; balance: number };
/** `balance`: the player's balance in `currency`, the offer's price currency, after paying;
 *  `economyVersion`: the economy version the purchase was decided under. */
export type ShopBuyResult = { balance: number; owned: number; stockLeft: number | null; currency: CurrencyId; economyVersion: number };
/** `spent` of `from` went to the house and `received` of `to` came back, at the rate of
 *  `economyVersion`; `balances` are both currencies' after the exchange. */
export type WalletExchangeResult = { from: CurrencyId; to: CurrencyId; spent: number; received: number; balances: Record<CurrencyId, number>; economyVersion: number };
export type FairRotateResult = { revealedServerSeed: string; serverSeedHash: string; clientSeed: string; nonce: number };
export type EventsSyncResult = { events: import('./registry.ts').TypedEvent[]; seq: number } | { snapshot: true; seq: number };
