// Checks a proof against the server seed that fair.rotate revealed: the seed must hash to the
// proof's hash, and the installed game's own `outcome` (the one the server played with) must give
// what the server claimed. `npm run verify` and the browser's Fairness tab both call this.
import { seedHash, type Proof } from '../../shared/fair.ts';
import { gameById } from './games.ts';
import { outcomeOf } from './play.ts';

export type Verification = { ok: boolean; reason: string; outcome?: unknown };

/** `claimed` is what the server said, e.g. `{ serverHand: 'rock' }`: each of its fields must equal the recomputed outcome's. */
export function verifyProof(proof: Proof, revealedServerSeed: string, claimed?: Record<string, unknown>): Verification {
  if (seedHash(revealedServerSeed) !== proof.serverSeedHash) {
    return { ok: false, reason: 'the revealed server seed does not hash to serverSeedHash' };
  }
  const game = gameById(String(proof.game));
  if (!game) return { ok: false, reason: `unknown game ${JSON.stringify(proof.game)}` };
  let outcome: Record<string, unknown>;
  try {
    outcome = outcomeOf(game, revealedServerSeed, proof) as Record<string, unknown>;
  } catch (error) {
    // A module refuses a proof it cannot recompute (a gacha proof without its pulls): a verdict, not a crash.
    return { ok: false, reason: `the proof cannot be recomputed: ${(error as Error).message}` };
  }
  for (const [field, value] of Object.entries(claimed ?? {})) {
    if (!Object.hasOwn(outcome, field)) return { ok: false, reason: `${field} is not part of a ${game.id} outcome (${Object.keys(outcome).join(', ')})`, outcome };
    if (JSON.stringify(value) !== JSON.stringify(outcome[field])) return { ok: false, reason: `the seeds give ${field} ${JSON.stringify(outcome[field])}, not ${JSON.stringify(value)}`, outcome };
  }
  return { ok: true, reason: 'the outcome follows from the seeds', outcome };
}

