// A crash table's hash chains (shared/crash.ts): the first is the table's own seed, each later
// one is committed when the one before runs out, starting at the round where it did. Round r
// plays the chain whose first round is the greatest at or below r, at index r - firstRound.
import { hash } from 'node:crypto';
import { crashPoint, roundCommitment, roundHash } from '../../../shared/crash.ts';

export type ChainSeed = { firstRound: number; seed: string; length: number };
export type Chain = ChainSeed & { hashes: readonly string[] };

/** The chain round `roundId` plays, or undefined when it is past the end of the last one. */
export function chainOf(chains: readonly Chain[], roundId: number): Chain | undefined {
  let found: Chain | undefined;
  for (const c of chains) if (c.firstRound <= roundId && (!found || c.firstRound > found.firstRound)) found = c;
  return found && roundId - found.firstRound < found.length ? found : undefined;
}

export type RoundProof = { crashPoint: number; hash: string; commitment: string };

export function roundProof(chains: readonly Chain[], roundId: number): RoundProof {
  const chain = chainOf(chains, roundId);
  if (!chain) throw new RangeError(`round ${roundId} is past the end of the table's chains`);
  const hash = roundHash(chain.hashes, roundId - chain.firstRound);
  return { crashPoint: crashPoint(hash), hash, commitment: roundCommitment(chain.hashes, roundId - chain.firstRound) };
}

/**
 * Hashes a chain a slice at a time, giving the event loop back between slices: a 20,000-round
 * chain cost about 100-200 ms of CPU, which done at once stalled every other room of the process.
 * Each link is shared/fair.ts's seedHash (SHA-256 of the previous link, as hex), computed with
 * node:crypto's one-shot hash: 35-45 ms for 20,000 against 145-200 ms with the browser's pure-JS
 * SHA-256 that the shared proof code uses (the test checks both give the same chain). A table's
 * first join in embedded mode spent 9% of its CPU here (BENCHMARKS.md, "Crash bets in groups").
 */
export async function buildChain(seed: ChainSeed, slice = 500): Promise<Chain> {
  const hashes = [seed.seed];
  for (let i = 0; i < seed.length; i++) {
    hashes.push(hash('sha256', hashes[i], 'hex'));
    if (i % slice === slice - 1) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { ...seed, hashes };
}

/** Chains built once per process and seed (a table's rooms come and go; its chain does not). */
export class ChainCache {
  readonly #built = new Map<string, Promise<Chain>>();
  readonly #max: number;

  constructor(max = 16) {
    this.#max = max;
  }

  get(seed: ChainSeed): Promise<Chain> {
    const key = `${seed.seed}:${seed.length}:${seed.firstRound}`;
    let chain = this.#built.get(key);
    if (!chain) {
      chain = buildChain(seed);
      // A failed build is not kept: the next load tries again.
      chain.catch(() => this.#built.delete(key));
      this.#built.set(key, chain);
      while (this.#built.size > this.#max) this.#built.delete(this.#built.keys().next().value!);
    } else {
      // Most recently used last, so the oldest goes first when the cache is full.
      this.#built.delete(key);
      this.#built.set(key, chain);
    }
    return chain;
  }
}

/**
 * The chains of `seeds` that the rounds at hand play, built (only those: a table's first load
 * hashed every chain it ever had); `build` is a ChainCache's, so each is hashed once per process.
 */
export async function chainsFor(seeds: readonly ChainSeed[], rounds: readonly number[], build: (seed: ChainSeed) => Promise<Chain>): Promise<Chain[]> {
  const placeholders: Chain[] = seeds.map((seed) => ({ ...seed, hashes: [] }));
  const needed = new Set(rounds.map((r) => chainOf(placeholders, r)).filter((c) => c !== undefined).map((c) => c.firstRound));
  return Promise.all(seeds.filter((seed) => needed.has(seed.firstRound)).map((seed) => build(seed)));
}
