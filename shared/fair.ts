// Provably fair outcomes: the pure derivation and its verification, shared by the server (which
// rolls with it), the browser (which checks results) and `npm run verify`.
//
// Each player has a secret server seed, whose SHA-256 (hex) is in their state before it is used,
// a client seed they may choose, and a nonce that grows by one per outcome. Outcome bytes are
//   HMAC-SHA256(key = serverSeed, message = `${clientSeed}:${nonce}:${round}`)   for round = 0, 1, ...
// read as big-endian uint32 words; each word / 2^32 is a float in [0, 1). Each game maps floats to
// its outcome in its own module (server/games/, docs/GAMES.md), and server/games/verify.ts checks a
// proof with that same mapping. Rotating the client seed reveals the old server seed, so every
// result rolled with it can be recomputed.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** What a result's proof records. Fields besides the seeds that an outcome depends on are declared
 *  here (`pulls`, the gacha's). `economyVersion` is the economy version the outcome was decided
 *  under: a verifier recomputes it with that version's game parameters (`GET /economy/<version>`).
 *  Proofs from before the economy was versioned have none; they were decided under today's
 *  default values (economy/default.json). */
export type Proof = { game: string; serverSeedHash: string; clientSeed: string; nonce: number; economyVersion?: number; pulls?: number };

export function seedHash(serverSeed: string): string {
  return bytesToHex(sha256(utf8ToBytes(serverSeed)));
}

/** `count` floats in [0, 1) for one outcome. */
export function outcomeFloats(serverSeed: string, clientSeed: string, nonce: number, count: number): number[] {
  const floats: number[] = [];
  for (let round = 0; floats.length < count; round++) {
    const bytes = hmac(sha256, utf8ToBytes(serverSeed), utf8ToBytes(`${clientSeed}:${nonce}:${round}`));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i + 4 <= bytes.length && floats.length < count; i += 4) floats.push(view.getUint32(i) / 2 ** 32);
  }
  return floats;
}
