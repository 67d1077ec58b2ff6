// Runs an installed game's decision for a validated command, under one economy version: the
// outcome comes from the player's seeds at the current nonce and that version's params through
// `outcomeOf`, the one function verify.ts also calls with the revealed seed and the params of the
// proof's version (so what was played is what can be proved), and the nonce grows by one.
import type { PublishedEconomy } from '../../shared/economy.ts';
import { outcomeFloats, type Proof } from '../../shared/fair.ts';
import type { LevelUpRewards } from '../domain/levels.ts';
import type { Decision, Player } from '../domain/player.ts';
import type { z } from 'zod';
import type { GameModule } from './gameModule.ts';

/** The economy version a play is decided under, the game's params in it, and its level-up rewards. */
export type GameEconomy<P> = { version: number; params: P; levelUp: LevelUpRewards };

/** `game`'s params in `published` (its section `games[<id>]`, which the economy's schema requires of every installed game). */
export function gameEconomy<P extends z.ZodType>(game: Pick<GameModule<`game.${string}`, z.ZodRawShape, z.ZodType, unknown, P>, 'id'>, published: Pick<PublishedEconomy, 'version' | 'economy'>): GameEconomy<z.output<P>> {
  const params = published.economy.games[game.id];
  if (params === undefined) throw new Error(`economy version ${published.version} has no params for the installed game ${game.id}`);
  return { version: published.version, params: params as z.output<P>, levelUp: published.economy.rewards.levelUp };
}

export function playGame<C extends `game.${string}`, F extends z.ZodRawShape, R extends z.ZodType, O, P extends z.ZodType>(
  game: GameModule<C, F, R, O, P>,
  player: Player,
  command: z.output<z.ZodObject<F>> & { id: string },
  now: number,
  economy: GameEconomy<z.output<P>>,
): Decision<z.output<R>> {
  const { serverSeed, serverSeedHash, clientSeed, nonce } = player.fair;
  const proof: Proof = { game: game.id, serverSeedHash, clientSeed, nonce, economyVersion: economy.version, ...game.proofFields?.(command) };
  const outcome = outcomeOf(game, serverSeed, proof, economy.params);
  const decision = game.decide({ player, command, outcome, proof, now, params: economy.params, economyVersion: economy.version, levelUp: economy.levelUp });
  return { ...decision, next: { ...decision.next, fair: { ...player.fair, nonce: nonce + 1 } } };
}

/** The outcome `proof` stands for, from `serverSeed` and the params of its economy version: what a play rolls, and what a verifier recomputes. */
export function outcomeOf<O, P extends z.ZodType>(game: Pick<GameModule<`game.${string}`, z.ZodRawShape, z.ZodType, O, P>, 'outcome'>, serverSeed: string, proof: Proof, params: z.output<P>): O {
  return game.outcome((count) => outcomeFloats(serverSeed, proof.clientSeed, proof.nonce, count), proof, params);
}
