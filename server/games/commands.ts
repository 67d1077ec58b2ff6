// The installed games' command, result and params schemas, built from the modules with zod (server
// side; the browser never loads this file). The player room validates with `gameCommands`; the wire
// checks (shared/wireSchemas.ts) use `gameResultSchemas`; the economy document's schema composes
// `gameParamsSchemas` under `games`; the registry's types derive from the first two.
import { z } from 'zod';
import { commandId, MAX_BET, wholeAmount } from '../../shared/commands.ts';
import { CURRENCY_ID, GOLD } from '../../shared/economy.ts';
import type { Proof } from '../../shared/fair.ts';
import type { SchemaKit } from './gameModule.ts';
import { games, type InstalledGame } from './games.ts';

const whole = z.number().int();
export const proofSchema: z.ZodType<Proof> = z.strictObject({ game: z.string(), serverSeedHash: z.string(), clientSeed: z.string(), nonce: whole, economyVersion: whole.optional(), pulls: whole.optional() });

const currencyMessage = 'currency must be a currency id: a lowercase letter, then up to 31 of [a-z0-9-]';
const currencyId = z.string({ error: currencyMessage }).regex(CURRENCY_ID, { error: currencyMessage });

/** `value` per currency, at least one currency. */
function perCurrency<T extends z.ZodType>(field: string, value: T) {
  return z
    .record(currencyId, value, { error: (issue) => (issue.code === 'invalid_key' ? `${String(issue.input)} is not a currency id (a lowercase letter, then up to 31 of [a-z0-9-])` : `${field} must be an object keyed by currency id`) })
    .refine((table) => Object.keys(table).length > 0, { error: `${field} must name at least one currency` });
}

const stakeBound = (what: string) => z.number({ error: `${what} must be a whole number between 1 and ${MAX_BET}` }).int({ error: `${what} must be a whole number between 1 and ${MAX_BET}` }).min(1, { error: `${what} must be a whole number between 1 and ${MAX_BET}` }).max(MAX_BET, { error: `${what} must be a whole number between 1 and ${MAX_BET}` });
const betLimits = z
  .strictObject({ min: stakeBound('min'), max: stakeBound('max') }, { error: 'a currency’s limits are { min, max }' })
  .refine((l) => l.min <= l.max, { error: 'min must not be above max', path: ['min'] });

/** A bound on a price per unit, so that a price times any count a command may ask for stays a safe integer. */
const MAX_PRICE = 1_000_000_000;
const amountMessage = `an amount must be a whole number from 1 to ${MAX_PRICE}`;

export const schemaKit: SchemaKit = {
  z,
  amount: wholeAmount,
  proof: proofSchema,
  currency: currencyId.default(GOLD),
  limits: () => perCurrency('limits', betLimits),
  amounts: (field) => perCurrency(field, z.number({ error: amountMessage }).int({ error: amountMessage }).min(1, { error: amountMessage }).max(MAX_PRICE, { error: amountMessage })),
};

/** Each game's command schema: `{ id, ...fields }`, strict. */
export type GameCommandSchemas = { [G in InstalledGame as G['command']]: z.ZodObject<{ id: typeof commandId } & ReturnType<G['fields']>, z.core.$strict> };
/** Each game's ack result schema. */
export type GameResultSchemas = { [G in InstalledGame as G['command']]: ReturnType<G['result']> };
/** Each game's ack result. */
export type GameResults = { [K in keyof GameResultSchemas]: z.output<GameResultSchemas[K]> };

export const gameCommands = Object.fromEntries(games.map((g) => [g.command, z.strictObject({ id: commandId, ...g.fields(schemaKit) })])) as unknown as GameCommandSchemas;
export const gameResultSchemas = Object.fromEntries(games.map((g) => [g.command, g.result(schemaKit)])) as unknown as GameResultSchemas;
/** Each installed game's params schema, by game id: the economy's `games` section is these, every one required. */
export const gameParamsSchemas: Record<string, z.ZodType> = Object.fromEntries(games.map((g) => [g.id, g.params(schemaKit)]));
