// The contract of a single-player game (docs/GAMES.md "Adding a game"): one module declares its
// command, the command's fields and ack result as schemas, its parameters (its section of the
// economy, `economy.games[<id>]`: bet limits per currency, paytables, odds) as a schema, its provably
// fair outcome, and a pure decision from the player's state, the command, that outcome and the
// parameters of the economy version in force to the effects. Everything else is derived from the
// list in server/games/installed.ts: the player room's validation and dispatch
// (server/games/commands.ts, play.ts), the typed registry (shared/registry.ts), the wire checks
// (shared/wireSchemas.ts), the economy document's schema (each module's params under `games`),
// `npm run verify` and the browser's proof check (verify.ts, with the params of the proof's economy
// version), the client's Games tab and the games' doc (checked by tests/gameModules.test.ts).
//
// A module imports zod's types only: its schemas are functions of the kit the server passes in, so
// the browser can load a module (to verify its proofs) without zod's ~440 KB.
import type { z as Zod } from 'zod';
import type { Amounts, BetLimits, CurrencyId } from '../../shared/economy.ts';
import type { Proof } from '../../shared/fair.ts';
import type { LevelUpRewards } from '../domain/levels.ts';
import type { Decision, Player } from '../domain/player.ts';

/** What a module's schemas are built with. `amount` is a whole number from 1 to `max`, with an error naming the field. */
export type SchemaKit = {
  z: typeof Zod;
  amount(field: string, max: number): Zod.ZodNumber;
  /** The proof a result carries (`{ game, serverSeedHash, clientSeed, nonce, economyVersion, ...extra }`). */
  proof: Zod.ZodType<Proof>;
  /** A command's optional `currency` field: a currency id, `gold` when the command leaves it out. */
  currency: Zod.ZodDefault<Zod.ZodString>;
  /** A bet game's `limits` param: `{ <currency>: { min, max } }`, at least one currency, whole
   *  stakes with 1 ≤ min ≤ max ≤ MAX_BET (the protocol's bound on any `bet`). */
  limits(): Zod.ZodType<Record<CurrencyId, BetLimits>>;
  /** Whole amounts of at least 1 per currency, at least one currency (a price: the gacha's `pullPrice`). */
  amounts(field: string): Zod.ZodType<Amounts>;
};

/** What a proof may record besides the seeds and the economy version (shared/fair.ts Proof): a new kind of field is declared there. */
export type ProofFields = Omit<Proof, 'game' | 'serverSeedHash' | 'clientSeed' | 'nonce' | 'economyVersion'>;

/** `count` floats in [0, 1) from the player's seeds for this outcome (shared/fair.ts outcomeFloats). */
export type Floats = (count: number) => number[];

/** What a decision is given. */
export type Play<Command, Outcome, Params = unknown> = {
  /** The player before the command (the nonce is advanced by the caller, after the decision). */
  player: Player;
  /** The validated command (its fields, and `id`). */
  command: Command;
  /** The outcome of the player's seeds at the current nonce, from the module's own `outcome`. */
  outcome: Outcome;
  /** The proof to put in the result: the game, the seed hash, the client seed, the nonce and the extra fields. */
  proof: Proof;
  /** Milliseconds since the epoch, from the server's clock. */
  now: number;
  /** The module's section of the economy version the command is decided under (read once, at the command's start). */
  params: Params;
  /** That version's number (also in `proof.economyVersion`). */
  economyVersion: number;
  /** What reaching a level pays in that version (economy.rewards.levelUp): settleWager grants it with the wager's XP. */
  levelUp: LevelUpRewards;
};

export type GameModule<
  Command extends `game.${string}` = `game.${string}`,
  Fields extends Zod.ZodRawShape = Zod.ZodRawShape,
  Result extends Zod.ZodType = Zod.ZodType,
  Outcome = unknown,
  Params extends Zod.ZodType = Zod.ZodType,
> = {
  /** The game's name: the key of its stats, `proof.game`, and the ledger reasons `game.<id>…`. */
  id: string;
  /** Shown on the client's Games tab. */
  title: string;
  /** The command type, `game.<id>`. */
  command: Command;
  /** The command's fields besides `id`; an unknown field is refused. */
  fields(kit: SchemaKit): Fields;
  /** The ack's result. */
  result(kit: SchemaKit): Result;
  /**
   * The game's parameters: the schema of its section `economy.games[<id>]`, validated with the rest
   * of the document when an economy is loaded or published (no transforms: the section as published
   * is what `outcome` and `decide` get). Bet games name their currencies with `kit.limits()`.
   */
  params(kit: SchemaKit): Params;
  /**
   * The theoretical return to player of these params, computed exactly (the sum over every outcome
   * of its chance times its multiple of the stake), or undefined for a game that does not pay in
   * currency (the gacha pays items). The operator's console shows it next to the observed one.
   */
  rtp(params: Zod.output<Params>): number | undefined;
  /**
   * Fields of the command the outcome depends on, recorded in the proof so that a verifier can
   * recompute the outcome from the proof alone (the gacha's `pulls`). Whole numbers only.
   */
  proofFields?(command: Zod.output<Zod.ZodObject<Fields>>): ProofFields;
  /**
   * The provably fair outcome, under the params of the proof's economy version. `npm run verify`
   * and the browser call it with a revealed seed and the params of `proof.economyVersion`.
   */
  outcome(floats: Floats, proof: Proof, params: Zod.output<Params>): Outcome;
  /** A pure decision: the next player, the transfers, the events and the ack result. Throws a DomainError to refuse. */
  decide(play: Play<Zod.output<Zod.ZodObject<Fields>> & { id: string }, Outcome, Zod.output<Params>>): Decision<Zod.output<Result>>;
};

/** Declares a game; the identity, there for the types it infers. */
export function defineGame<Command extends `game.${string}`, Fields extends Zod.ZodRawShape, Result extends Zod.ZodType, Outcome, Params extends Zod.ZodType>(
  game: GameModule<Command, Fields, Result, Outcome, Params>,
): GameModule<Command, Fields, Result, Outcome, Params> {
  return game;
}

/** A module's params, as its schema gives them. */
export type ParamsOfGame<G> = G extends GameModule<`game.${string}`, Zod.ZodRawShape, Zod.ZodType, unknown, infer P> ? Zod.output<P> : never;

/** The command a module takes, as validated. */
export type CommandOfGame<G> = G extends GameModule<infer C, infer F, Zod.ZodType, unknown, Zod.ZodType> ? { type: C; id: string } & Zod.output<Zod.ZodObject<F>> : never;
/** The result a module's ack carries. */
export type ResultOfGame<G> = G extends GameModule<`game.${string}`, Zod.ZodRawShape, infer R, unknown, Zod.ZodType> ? Zod.output<R> : never;
