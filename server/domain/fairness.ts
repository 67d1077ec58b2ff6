// Rotating the seeds (fair.rotate): the old server seed is revealed, so every outcome rolled with
// it can be checked (shared/fair.ts verifyProof); a new secret seed and the player's chosen client
// seed start again at nonce 0.
import type { FairRotateResult } from '../../shared/commands.ts';
import { seedHash } from '../../shared/fair.ts';
import type { Decision, Fairness, Player } from './player.ts';

export function freshFairness(serverSeed: string, clientSeed: string): Fairness {
  return { serverSeed, serverSeedHash: seedHash(serverSeed), clientSeed, nonce: 0 };
}

export function rotateSeeds(player: Player, clientSeed: string, newServerSeed: string): Decision<FairRotateResult> {
  const fair = freshFairness(newServerSeed, clientSeed);
  return {
    next: { ...player, fair },
    transfers: [],
    events: [],
    result: { revealedServerSeed: player.fair.serverSeed, serverSeedHash: fair.serverSeedHash, clientSeed, nonce: 0 },
  };
}
