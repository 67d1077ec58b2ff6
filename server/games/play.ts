// Runs an installed game's decision for a validated command: the outcome comes from the player's
// seeds at the current nonce through `outcomeOf`, the one function verify.ts also calls with the
// revealed seed (so what was played is what can be proved), and the nonce grows by one.
import { outcomeFloats, type Proof } from '../../shared/fair.ts';
import type { Decision, Player } from '../domain/player.ts';
import type { z } from 'zod';
import type { GameModule } from './gameModule.ts';

export function playGame<C extends `game.${string}`, F extends z.ZodRawShape, R extends z.ZodType, O>(
  game: GameModule<C, F, R, O>,
  player: Player,
  command: z.output<z.ZodObject<F>> & { id: string },
  now: number,
): Decision<z.output<R>> {
  const { serverSeed, serverSeedHash, clientSeed, nonce } = player.fair;
  const proof: Proof = { game: game.id, serverSeedHash, clientSeed, nonce, ...game.proofFields?.(command) };
  const outcome = outcomeOf(game, serverSeed, proof);
  const decision = game.decide({ player, command, outcome, proof, now });
  return { ...decision, next: { ...decision.next, fair: { ...player.fair, nonce: nonce + 1 } } };
}

/** The outcome `proof` stands for, from `serverSeed`: what a play rolls, and what a verifier recomputes. */
export function outcomeOf<O>(game: Pick<GameModule<`game.${string}`, z.ZodRawShape, z.ZodType, O>, 'outcome'>, serverSeed: string, proof: Proof): O {
  return game.outcome((count) => outcomeFloats(serverSeed, proof.clientSeed, proof.nonce, count), proof);
}
