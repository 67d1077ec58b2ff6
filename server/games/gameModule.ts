// The contract of a single-player game (docs/GAMES.md "Adding a game"): one module declares its
// command, the command's fields and ack result as schemas, its provably fair outcome, and a pure
// decision from the player's state, the command and that outcome to the effects. Everything else is
// derived from the list in server/games/index.ts: the player room's validation and dispatch
// (server/games/commands.ts, play.ts), the typed registry (shared/registry.ts), the wire checks
// (shared/wireSchemas.ts), `npm run verify` and the browser's proof check (verify.ts), the client's
// Games tab and the protocol doc's command table (checked by tests/gameModules.test.ts).
//
// A module imports zod's types only: its schemas are functions of the kit the server passes in, so
// the browser can load a module (to verify its proofs) without zod's ~440 KB.
import type { z as Zod } from 'zod';
import type { Proof } from '../../shared/fair.ts';
import type { Decision, Player } from '../domain/player.ts';

/** What a module's schemas are built with. `amount` is a whole number from 1 to `max`, with an error naming the field. */
export type SchemaKit = {
  z: typeof Zod;
  amount(field: string, max: number): Zod.ZodNumber;
  /** The proof a result carries (`{ game, serverSeedHash, clientSeed, nonce, ...extra }`). */
  proof: Zod.ZodType<Proof>;
};

/** What a proof may record besides the seeds (shared/fair.ts Proof): a new kind of field is declared there. */
export type ProofFields = Omit<Proof, 'game' | 'serverSeedHash' | 'clientSeed' | 'nonce'>;

/** `count` floats in [0, 1) from the player's seeds for this outcome (shared/fair.ts outcomeFloats). */
export type Floats = (count: number) => number[];

/** What a decision is given. */
export type Play<Command, Outcome> = {
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
};

export type GameModule<Command extends `game.${string}` = `game.${string}`, Fields extends Zod.ZodRawShape = Zod.ZodRawShape, Result extends Zod.ZodType = Zod.ZodType, Outcome = unknown> = {
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
   * Fields of the command the outcome depends on, recorded in the proof so that a verifier can
   * recompute the outcome from the proof alone (the gacha's `pulls`). Whole numbers only.
   */
  proofFields?(command: Zod.output<Zod.ZodObject<Fields>>): ProofFields;
  /** The provably fair outcome. `npm run verify` and the browser call it with a revealed seed. */
  outcome(floats: Floats, proof: Proof): Outcome;
  /** A pure decision: the next player, the transfers, the events and the ack result. Throws a DomainError to refuse. */
  decide(play: Play<Zod.output<Zod.ZodObject<Fields>> & { id: string }, Outcome>): Decision<Zod.output<Result>>;
};

/** Declares a game; the identity, there for the types it infers. */
export function defineGame<Command extends `game.${string}`, Fields extends Zod.ZodRawShape, Result extends Zod.ZodType, Outcome>(
  game: GameModule<Command, Fields, Result, Outcome>,
): GameModule<Command, Fields, Result, Outcome> {
  return game;
}

/** The command a module takes, as validated. */
export type CommandOfGame<G> = G extends GameModule<infer C, infer F, Zod.ZodType, unknown> ? { type: C; id: string } & Zod.output<Zod.ZodObject<F>> : never;
/** The result a module's ack carries. */
export type ResultOfGame<G> = G extends GameModule<`game.${string}`, Zod.ZodRawShape, infer R, unknown> ? Zod.output<R> : never;
