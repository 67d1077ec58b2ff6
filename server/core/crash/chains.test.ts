// A table's chains: hashed a slice at a time (other work runs meanwhile), the same hashes as the
// shared proof code, built once per process, and a round after a rotation plays the new chain.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crashChain, crashPoint, roundCommitment, roundHash, verifyCrashRound } from '../../../shared/crash.ts';
import { buildChain, ChainCache, chainOf, roundProof } from './chains.ts';

const SEED_A = 'a'.repeat(64);
const SEED_B = 'b'.repeat(64);

describe('chains', () => {
  test('built in slices: the same hashes as crashChain, and the event loop runs between slices', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const built = await buildChain({ firstRound: 0, seed: SEED_A, length: 5_000 }, 200);
    clearInterval(ticker);
    assert.deepEqual(built.hashes, crashChain(SEED_A, 5_000));
    assert.ok(ticks > 0, 'timers ran while the chain was hashed');
  });

  test('a round after the first chain ran out plays the next one; proofs verify on both sides', async () => {
    const chains = [await buildChain({ firstRound: 0, seed: SEED_A, length: 3 }), await buildChain({ firstRound: 3, seed: SEED_B, length: 3 })];
    assert.equal(chainOf(chains, 2)?.seed, SEED_A);
    assert.equal(chainOf(chains, 3)?.seed, SEED_B);
    assert.equal(chainOf(chains, 6), undefined, 'past the last chain: a new one is needed');
    const b = crashChain(SEED_B, 3);
    assert.deepEqual(roundProof(chains, 4), { hash: roundHash(b, 1), commitment: roundCommitment(b, 1), crashPoint: crashPoint(roundHash(b, 1)) });
    for (const r of [0, 1, 2, 3, 4, 5]) assert.equal(verifyCrashRound(roundProof(chains, r)).ok, true, `round ${r}`);
  });

  test('the cache builds a chain once per process', async () => {
    const cache = new ChainCache(2);
    const seed = { firstRound: 0, seed: SEED_A, length: 10 };
    const [one, two] = [cache.get(seed), cache.get({ ...seed })];
    assert.equal(one, two);
    cache.get({ ...seed, seed: SEED_B });
    cache.get({ ...seed, firstRound: 10 });
    assert.notEqual(cache.get(seed), one, 'the least recently used left a full cache');
  });
});
