// Injectable time and randomness (docs/ARCHITECTURE.md "Conventions"): games and rewards replay from a seed in tests.
import { randomBytes } from 'node:crypto';

export type Clock = { now(): number };
/** New secret server seeds for provably fair outcomes (shared/fair.ts). */
export type SeedSource = () => string;

export const systemClock: Clock = { now: () => Date.now() };
export const cryptoSeeds: SeedSource = () => randomBytes(32).toString('hex');

export const DAY_MS = 86_400_000;
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
