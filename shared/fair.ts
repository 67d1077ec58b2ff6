// Provably fair outcomes: the pure derivation and its verification, shared by the server (which
// rolls with it), the browser (which checks results) and `npm run verify`.
//
// Each player has a secret server seed, whose SHA-256 (hex) is in their state before it is used,
// a client seed they may choose, and a nonce that grows by one per outcome. Outcome bytes are
//   HMAC-SHA256(key = serverSeed, message = `${clientSeed}:${nonce}:${round}`)   for round = 0, 1, ...
// read as big-endian uint32 words; each word / 2^32 is a float in [0, 1). A game maps floats to
// results (rps: floor(f * 3) indexes rock, paper, scissors; slot: one float per reel, see
// SLOT_REEL; gacha: two floats per pull, see GACHA_RARITIES). Rotating the client seed reveals the old server seed, so every result rolled with it
// can be recomputed.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { Hand, type Hand as HandName } from './commandNames.ts';

/** `pulls` only on gacha proofs. */
export type Proof = { game: string; serverSeedHash: string; clientSeed: string; nonce: number; pulls?: number };

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

export function rpsServerHand(serverSeed: string, clientSeed: string, nonce: number): HandName {
  const [f] = outcomeFloats(serverSeed, clientSeed, nonce, 1);
  return Hand[Math.floor(f * Hand.length)];
}

/**
 * Every slot reel carries the same weighted strip: a reel stops on the symbol whose cumulative
 * weight range holds floor(f * 64). (The paytable lives with the game rules in server/domain.)
 */
export const SLOT_REEL = [
  ['cherry', 20],
  ['lemon', 16],
  ['orange', 12],
  ['bell', 8],
  ['bar', 5],
  ['seven', 3],
] as const;
export type SlotSymbol = (typeof SLOT_REEL)[number][0];
export const SLOT_REEL_WEIGHT = 64;

export function slotSymbol(f: number): SlotSymbol {
  let position = Math.floor(f * SLOT_REEL_WEIGHT);
  for (const [symbol, weight] of SLOT_REEL) {
    if (position < weight) return symbol;
    position -= weight;
  }
  throw new RangeError(`float ${f} is not in [0, 1)`);
}

export function slotReels(serverSeed: string, clientSeed: string, nonce: number): [SlotSymbol, SlotSymbol, SlotSymbol] {
  const [a, b, c] = outcomeFloats(serverSeed, clientSeed, nonce, 3).map(slotSymbol);
  return [a, b, c];
}

/**
 * Gacha odds per mille: a pull's first float picks the rarity whose cumulative range holds
 * floor(f * 1000), its second float picks the item: GACHA_POOL[rarity][floor(g * pool length)].
 * On a 10-pull where the first nine hold nothing rare or better and the tenth would not either,
 * the tenth's rarity is read from the rare-or-better part only: floor(850 + f * 150).
 */
export const GACHA_RARITIES = [
  ['common', 600],
  ['uncommon', 250],
  ['rare', 100],
  ['epic', 40],
  ['legendary', 10],
] as const;
export type Rarity = (typeof GACHA_RARITIES)[number][0];
export const GACHA_RARITY_WEIGHT = 1000;
/** Where `rare` starts in the per-mille ranges: the 10-pull guarantee draws from here up. */
export const GACHA_RARE_FROM = 850;
export const GACHA_GUARANTEED_PULLS = 10;

export const GACHA_POOL: Record<Rarity, readonly string[]> = {
  common: ['wooden-shield', 'leather-boots', 'herb-pouch', 'copper-charm'],
  uncommon: ['silver-ring', 'iron-helm', 'swift-feather'],
  rare: ['sapphire-amulet', 'enchanted-bow'],
  epic: ['dragon-scale', 'phoenix-plume'],
  legendary: ['crown-of-ages'],
};

export type GachaItem = { itemId: string; rarity: Rarity };

export function gachaRarity(position: number): Rarity {
  let rest = position;
  for (const [rarity, weight] of GACHA_RARITIES) {
    if (rest < weight) return rarity;
    rest -= weight;
  }
  throw new RangeError(`rarity position ${position} is not in [0, ${GACHA_RARITY_WEIGHT})`);
}

export function isRareOrBetter(rarity: Rarity): boolean {
  return rarity !== 'common' && rarity !== 'uncommon';
}

export function gachaPulls(serverSeed: string, clientSeed: string, nonce: number, pulls: number): GachaItem[] {
  const floats = outcomeFloats(serverSeed, clientSeed, nonce, pulls * 2);
  const items: GachaItem[] = [];
  for (let i = 0; i < pulls; i++) {
    const [f, g] = [floats[2 * i], floats[2 * i + 1]];
    let rarity = gachaRarity(Math.floor(f * GACHA_RARITY_WEIGHT));
    const guaranteed = pulls === GACHA_GUARANTEED_PULLS && i === pulls - 1 && !items.some((item) => isRareOrBetter(item.rarity));
    if (guaranteed && !isRareOrBetter(rarity)) rarity = gachaRarity(Math.floor(GACHA_RARE_FROM + f * (GACHA_RARITY_WEIGHT - GACHA_RARE_FROM)));
    const pool = GACHA_POOL[rarity];
    items.push({ itemId: pool[Math.floor(g * pool.length)], rarity });
  }
  return items;
}

export type Verification = { ok: boolean; reason: string; outcome?: unknown };

/**
 * Recomputes the outcome a proof stands for from the revealed server seed. `claimed` is what the
 * server said (for rps, `{ serverHand }`); the check fails if the seed does not hash to the proof's
 * hash or the recomputed outcome differs.
 */
export function verifyProof(proof: Proof, revealedServerSeed: string, claimed?: Record<string, unknown>): Verification {
  if (seedHash(revealedServerSeed) !== proof.serverSeedHash) {
    return { ok: false, reason: 'the revealed server seed does not hash to serverSeedHash' };
  }
  switch (proof.game) {
    case 'rps': {
      const serverHand = rpsServerHand(revealedServerSeed, proof.clientSeed, proof.nonce);
      if (claimed && claimed.serverHand !== serverHand) return { ok: false, reason: `the seeds give ${serverHand}, not ${String(claimed.serverHand)}`, outcome: { serverHand } };
      return { ok: true, reason: 'the outcome follows from the seeds', outcome: { serverHand } };
    }
    case 'slot': {
      const reels = slotReels(revealedServerSeed, proof.clientSeed, proof.nonce);
      if (claimed && JSON.stringify(claimed.reels) !== JSON.stringify(reels)) return { ok: false, reason: `the seeds give ${reels.join(' ')}`, outcome: { reels } };
      return { ok: true, reason: 'the outcome follows from the seeds', outcome: { reels } };
    }
    case 'gacha': {
      const pulls = claimed && Array.isArray(claimed.items) ? claimed.items.length : Number(proof.pulls);
      if (pulls !== 1 && pulls !== GACHA_GUARANTEED_PULLS) return { ok: false, reason: 'a gacha proof needs its items (or pulls: 1 or 10) to recompute' };
      const items = gachaPulls(revealedServerSeed, proof.clientSeed, proof.nonce, pulls);
      if (claimed && JSON.stringify(claimed.items) !== JSON.stringify(items)) return { ok: false, reason: `the seeds give ${items.map((i) => i.itemId).join(', ')}`, outcome: { items } };
      return { ok: true, reason: 'the outcome follows from the seeds', outcome: { items } };
    }
    default:
      return { ok: false, reason: `unknown game ${JSON.stringify(proof.game)}` };
  }
}
