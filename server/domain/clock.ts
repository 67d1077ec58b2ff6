// Injectable time and randomness (STYLE.md rule 5): games and rewards replay from a seed in tests.
import { randomInt } from 'node:crypto';

export type Clock = { now(): number };
export type Rng = { int(maxExclusive: number): number };

export const systemClock: Clock = { now: () => Date.now() };
export const cryptoRng: Rng = { int: (maxExclusive) => randomInt(maxExclusive) };

export const DAY_MS = 86_400_000;
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
