// The installed games' command and result schemas, built from the modules with zod (server side;
// the browser never loads this file). The player room validates with `gameCommands`; the wire
// checks (shared/wireSchemas.ts) use `gameResultSchemas`; the registry's types derive from both.
import { z } from 'zod';
import { commandId, wholeAmount } from '../../shared/commands.ts';
import type { Proof } from '../../shared/fair.ts';
import type { SchemaKit } from './gameModule.ts';
import { games, type InstalledGame } from './games.ts';

const whole = z.number().int();
export const proofSchema: z.ZodType<Proof> = z.strictObject({ game: z.string(), serverSeedHash: z.string(), clientSeed: z.string(), nonce: whole, pulls: whole.optional() });

const kit: SchemaKit = { z, amount: wholeAmount, proof: proofSchema };

/** Each game's command schema: `{ id, ...fields }`, strict. */
export type GameCommandSchemas = { [G in InstalledGame as G['command']]: z.ZodObject<{ id: typeof commandId } & ReturnType<G['fields']>, z.core.$strict> };
/** Each game's ack result schema. */
export type GameResultSchemas = { [G in InstalledGame as G['command']]: ReturnType<G['result']> };
/** Each game's ack result. */
export type GameResults = { [K in keyof GameResultSchemas]: z.output<GameResultSchemas[K]> };

export const gameCommands = Object.fromEntries(games.map((g) => [g.command, z.strictObject({ id: commandId, ...g.fields(kit) })])) as unknown as GameCommandSchemas;
export const gameResultSchemas = Object.fromEntries(games.map((g) => [g.command, g.result(kit)])) as unknown as GameResultSchemas;
