// Crash tables with known rounds, for tests that need a round to run long enough (to cash out, to
// cut storage, to start a second room) before it crashes. The chain seed is found, not assumed:
// the rounds' crash points follow from it by the provably fair rules in shared/crash.ts.
import { crashChain, crashPoint, roundHash } from '../../shared/crash.ts';
import { queryRows } from './ledger.ts';

export const CHAIN_LENGTH = 20_000;

/** A chain seed whose round r crashes at `minimums[r]` or later. */
export function seedWith(minimums: readonly number[], length = CHAIN_LENGTH): string {
  for (let i = 0; ; i++) {
    const seed = i.toString(16).padStart(64, '0');
    const chain = crashChain(seed, length);
    if (minimums.every((min, r) => crashPoint(roundHash(chain, r)) >= min)) return seed;
  }
}

/** Stores table `name` whose round r crashes at `minimums[r]` or later; returns its chain. */
export async function crashTableWith(databaseUrl: string, name: string, minimums: readonly number[], length = CHAIN_LENGTH): Promise<string[]> {
  const seed = seedWith(minimums, length);
  await queryRows(databaseUrl, `INSERT INTO crash_tables (id, chain_seed, chain_length) VALUES ($1, $2, $3)`, [name, seed, length]);
  return crashChain(seed, length);
}
