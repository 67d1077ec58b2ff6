// Checks a proof against the server seed that fair.rotate revealed and the economy version the
// proof was decided under: the seed must hash to the proof's hash, the economy must be the proof's
// version, and the installed game's own `outcome` (the one the server played with), given that
// version's params, must give what the server claimed. `npm run verify` and the browser's Fairness
// tab both call this, with the version they fetched from `GET /economy/<version>`
// (`economyOfProof`). Browser-safe: no zod.
import type { Economy, PublishedEconomy } from '../../shared/economy.ts';
import { seedHash, type Proof } from '../../shared/fair.ts';
import { defaultEconomy } from '../economy/defaultEconomy.ts';
import { gameById } from './games.ts';
import { outcomeOf } from './play.ts';

export type Verification = { ok: boolean; reason: string; outcome?: unknown };

/** An economy version as `GET /economy/<version>` serves it (`publishedAt` too, unused here). */
export type EconomyVersion = Pick<PublishedEconomy, 'version' | 'economy'>;

/**
 * The economy `proof` was decided under: `fetchVersion(proof.economyVersion)`, or, for a proof from
 * before the economy was versioned (no `economyVersion`), the built-in default document, whose
 * values the games had as constants then.
 */
export async function economyOfProof(proof: Proof, fetchVersion: (version: number) => Promise<EconomyVersion>): Promise<EconomyVersion> {
  if (proof.economyVersion === undefined) return { version: 0, economy: defaultEconomy };
  return fetchVersion(proof.economyVersion);
}

/**
 * `under` is the economy version the proof names (see `economyOfProof`); `claimed` is what the
 * server said, e.g. `{ serverHand: 'rock' }`: each of its fields must equal the recomputed outcome's.
 */
export function verifyProof(proof: Proof, revealedServerSeed: string, under: EconomyVersion, claimed?: Record<string, unknown>): Verification {
  if (seedHash(revealedServerSeed) !== proof.serverSeedHash) {
    return { ok: false, reason: 'the revealed server seed does not hash to serverSeedHash' };
  }
  const game = gameById(String(proof.game));
  if (!game) return { ok: false, reason: `unknown game ${JSON.stringify(proof.game)}` };
  if (proof.economyVersion !== undefined && proof.economyVersion !== under.version) {
    return { ok: false, reason: `the proof was decided under economy version ${proof.economyVersion}, and these are the tables of version ${under.version} (GET /economy/${proof.economyVersion} serves the right ones)` };
  }
  const params = paramsIn(under.economy, game.id);
  if (params === undefined) return { ok: false, reason: `economy version ${under.version} has no params for ${game.id}` };
  let outcome: Record<string, unknown>;
  try {
    outcome = outcomeOf(game, revealedServerSeed, proof, params) as Record<string, unknown>;
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

function paramsIn(economy: Economy, game: string): unknown {
  return Object.hasOwn(economy.games ?? {}, game) ? economy.games[game] : undefined;
}
