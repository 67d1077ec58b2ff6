// Provably fair crash rounds: the hash chain, the crash point and the multiplier curve, shared by
// the server (which runs the table), the browser (which checks rounds) and `npm run verify`.
//
// A table draws a secret seed (64 lowercase hex digits) and hashes it over and over with seedHash:
//   chain[0] = seed, chain[i + 1] = seedHash(chain[i])
// Rounds walk the chain backwards: round r plays chain[length - 1 - r] and, before it starts, shows
// chain[length - r] as its commitment. So seedHash(hash of round r) is its commitment, which is the
// hash revealed by round r - 1; the final hash chain[length] commits to every round in advance.
// A round hash's first 8 hex digits, over 2^32, are a float f in [0, 1); the crash point is
//   max(1, floor(99 / (1 - f)) / 100)   capped at MAX_CRASH_MULTIPLIER
// in hundredths, so P(point >= m) = 0.99 / m for hundredths m in [1.01, 1000]: a 1% house edge.
// Rounds with f < 0.01 (1%) would crash below 1 and crash at 1.00 instead; with those that round
// down to 1.00, 2/101 (about 1.98%) of rounds crash at 1.00, before anyone can cash out.
// While running, the multiplier after t ms is floor(100 * e^(growth * t / 1000)) / 100.
import { seedHash } from './fair.ts';

export type CrashPhase = 'betting' | 'running' | 'crashed';

export const MAX_CRASH_MULTIPLIER = 1000;

const SEED = /^[0-9a-f]{64}$/;

/** length + 1 hashes: the seed, then each entry the seedHash of the one before. */
export function crashChain(seed: string, length: number): string[] {
  if (!SEED.test(seed)) throw new RangeError('a crash chain seed must be 64 lowercase hex digits, like every hash after it');
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`chain length ${length} is not a whole number >= 0`);
  const chain = [seed];
  for (let i = 0; i < length; i++) chain.push(seedHash(chain[i]));
  return chain;
}

function roundIndex(chain: readonly string[], r: number): number {
  const rounds = chain.length - 1;
  if (!Number.isSafeInteger(r) || r < 0 || r >= rounds) throw new RangeError(`round ${r} is not in a chain of ${rounds} rounds`);
  return rounds - 1 - r;
}

/** The hash round r plays, revealed when it crashes. */
export function roundHash(chain: readonly string[], r: number): string {
  return chain[roundIndex(chain, r)];
}

/** What round r shows before it starts: seedHash(roundHash(chain, r)), = roundHash(chain, r - 1). */
export function roundCommitment(chain: readonly string[], r: number): string {
  return chain[roundIndex(chain, r) + 1];
}

export function crashPoint(hash: string): number {
  if (!/^[0-9a-f]{8}/i.test(hash)) throw new RangeError(`round hash ${JSON.stringify(hash.slice(0, 16))} does not start with 8 hex digits`);
  const f = parseInt(hash.slice(0, 8), 16) / 2 ** 32;
  return Math.min(MAX_CRASH_MULTIPLIER, Math.max(1, Math.floor(99 / (1 - f)) / 100));
}

function checkGrowth(growthPerSecond: number): void {
  if (!(growthPerSecond > 0) || !Number.isFinite(growthPerSecond)) throw new RangeError(`growth ${growthPerSecond} per second is not a positive number`);
}

/** The multiplier shown elapsedMs after the round starts, in hundredths (1 before it starts). */
export function multiplierAt(elapsedMs: number, growthPerSecond: number): number {
  checkGrowth(growthPerSecond);
  if (Number.isNaN(elapsedMs)) throw new RangeError('elapsed time is NaN');
  if (elapsedMs <= 0) return 1;
  return Math.floor(100 * Math.exp((growthPerSecond * elapsedMs) / 1000)) / 100;
}

/** The first whole ms at which multiplierAt reaches `multiplier` (0 for multipliers <= 1). */
export function msUntil(multiplier: number, growthPerSecond: number): number {
  checkGrowth(growthPerSecond);
  if (!Number.isFinite(multiplier)) throw new RangeError(`multiplier ${multiplier} is not a finite number`);
  if (multiplier <= 1) return 0;
  // The closed form can land a ms off either way in floating point; step to the exact first ms.
  let ms = Math.max(0, Math.ceil((1000 * Math.log(multiplier)) / growthPerSecond));
  while (ms > 0 && multiplierAt(ms - 1, growthPerSecond) >= multiplier) ms--;
  while (multiplierAt(ms, growthPerSecond) < multiplier) ms++;
  return ms;
}

export type CrashRoundProof = { hash: string; commitment: string; crashPoint: number };

export function verifyCrashRound(round: CrashRoundProof): { ok: boolean; reason: string } {
  if (!SEED.test(round.hash)) return { ok: false, reason: 'the revealed round hash is not 64 lowercase hex digits' };
  if (seedHash(round.hash) !== round.commitment) return { ok: false, reason: 'the revealed round hash does not hash to the commitment shown before the round' };
  const point = crashPoint(round.hash);
  if (point !== round.crashPoint) return { ok: false, reason: `the round hash gives a crash at ${point.toFixed(2)}x, not ${String(round.crashPoint)}x` };
  return { ok: true, reason: 'the crash point follows from the round hash, which hashes to the commitment' };
}
