import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { MAX_CRASH_MULTIPLIER, crashChain, crashPoint, msUntil, multiplierAt, roundCommitment, roundHash, verifyCrashRound } from './crash.ts';
import { seedHash } from './fair.ts';

const SEED = '5f0c8e1d2b3a49687766554433221100ffeeddccbbaa99887766554433221100';

/** A round hash whose first 8 hex digits are the uint32 `word`. */
function hashOf(word: number): string {
  return word.toString(16).padStart(8, '0') + '0'.repeat(56);
}

describe('the hash chain', () => {
  const chain = crashChain(SEED, 50);

  test('chain[0] is the seed and each entry is the SHA-256 (hex) of the one before', () => {
    assert.equal(chain.length, 51);
    assert.equal(chain[0], SEED);
    for (let i = 0; i < 50; i++) assert.equal(chain[i + 1], createHash('sha256').update(chain[i]).digest('hex'));
    assert.deepEqual(crashChain(SEED, 0), [SEED]);
  });

  test('rounds walk the chain backwards, each hash revealing the commitment shown before it', () => {
    assert.equal(roundCommitment(chain, 0), chain[50], 'the final hash commits to the first round');
    assert.equal(roundHash(chain, 0), chain[49]);
    assert.equal(roundHash(chain, 49), SEED, 'the last round plays the seed itself');
    for (let r = 0; r < 50; r++) {
      assert.equal(seedHash(roundHash(chain, r)), roundCommitment(chain, r), `round ${r}`);
      if (r > 0) assert.equal(roundCommitment(chain, r), roundHash(chain, r - 1), `round ${r}`);
    }
  });

  test('rounds outside the chain and seeds that are not 64 lowercase hex digits are refused', () => {
    assert.throws(() => roundHash(chain, 50), RangeError);
    assert.throws(() => roundCommitment(chain, -1), RangeError);
    assert.throws(() => roundHash(chain, 1.5), RangeError);
    assert.throws(() => crashChain('not a hex seed', 3), RangeError);
    assert.throws(() => crashChain(SEED.toUpperCase(), 3), RangeError);
    assert.throws(() => crashChain(SEED, -1), RangeError);
  });
});

describe('crash points', () => {
  test('hand-chosen hashes', () => {
    assert.equal(crashPoint(hashOf(0)), 1, 'floor(99 / 1) / 100 = 0.99 is lifted to 1.00');
    assert.equal(crashPoint(hashOf(0x80000000)), 1.98);
    assert.equal(crashPoint(hashOf(0xc0000000)), 3.96);
    assert.equal(crashPoint(hashOf(0xffffffff)), MAX_CRASH_MULTIPLIER);
    assert.equal(crashPoint('ABCDEF01' + '0'.repeat(56)), crashPoint('abcdef01' + '0'.repeat(56)));
    assert.throws(() => crashPoint('xyz'), RangeError);
  });

  test('for every hundredth m in [1.01, 1000], exactly the hashes from one word up reach m: P = 0.99 / m', () => {
    const words = 2n ** 32n;
    for (let cents = 101; cents <= MAX_CRASH_MULTIPLIER * 100; cents++) {
      const m = cents / 100;
      // floor(99 / (1 - f)) >= cents  <=>  1 - f <= 99 / cents  <=>  word >= 2^32 (cents - 99) / cents
      const first = (words * BigInt(cents - 99) + BigInt(cents) - 1n) / BigInt(cents);
      assert.ok(crashPoint(hashOf(Number(first))) >= m, `word ${first} reaches ${m}`);
      assert.ok(crashPoint(hashOf(Number(first) - 1)) < m, `word ${first - 1n} stays below ${m}`);
      const probability = Number(words - first) / 2 ** 32;
      assert.ok(Math.abs(probability - 0.99 / m) <= 2 ** -32, `P(point >= ${m}) = ${probability}`);
    }
  });

  test('crash points are hundredths between 1 and the cap', () => {
    for (const hash of crashChain(SEED, 2_000)) {
      const point = crashPoint(hash);
      assert.ok(point >= 1 && point <= MAX_CRASH_MULTIPLIER, `${point}`);
      assert.equal(point, Math.round(point * 100) / 100);
    }
  });

  test('200,000 seeded chain hashes crash as the odds say', () => {
    const n = 200_000;
    const points = crashChain(SEED, n).slice(1).map(crashPoint);
    const share = (keep: (p: number) => boolean) => points.filter(keep).length / n;
    // One standard deviation is about 0.0011, 0.0007, 0.0003 and 0.0002 respectively.
    assert.ok(Math.abs(share((p) => p >= 2) - 0.495) < 0.006, `P(>= 2) ${share((p) => p >= 2)}`);
    assert.ok(Math.abs(share((p) => p >= 10) - 0.099) < 0.004, `P(>= 10) ${share((p) => p >= 10)}`);
    assert.ok(Math.abs(share((p) => p === 1) - 2 / 101) < 0.002, `P(= 1.00) ${share((p) => p === 1)}`);
    const instant = crashChain(SEED, n).slice(1).filter((h) => parseInt(h.slice(0, 8), 16) / 2 ** 32 < 0.01).length / n;
    assert.ok(Math.abs(instant - 0.01) < 0.0015, `house-edge rounds ${instant}`);
  });
});

describe('the multiplier curve', () => {
  test('multiplierAt: 1 at and before the start, e^(g t) in hundredths after', () => {
    assert.equal(multiplierAt(0, 0.06), 1);
    assert.equal(multiplierAt(-250, 0.06), 1);
    assert.equal(multiplierAt(10_000, 0.1), 2.71);
    assert.equal(multiplierAt(1_000, Math.log(2)), 2);
    assert.equal(multiplierAt(11_552, 0.06), 1.99, 'e^0.69312 is just under 2');
    assert.throws(() => multiplierAt(100, 0), RangeError);
    assert.throws(() => multiplierAt(Number.NaN, 0.06), RangeError);
  });

  test('msUntil is the first whole ms at which multiplierAt reaches the multiplier', () => {
    for (const growth of [0.01, 0.06, 0.1, 0.25, 1, 3.7]) {
      for (let cents = 100; cents <= 100_000; cents += cents < 2_000 ? 1 : 97) {
        const m = cents / 100;
        const ms = msUntil(m, growth);
        assert.ok(multiplierAt(ms, growth) >= m, `growth ${growth}: ${m} at ${ms} ms`);
        if (ms > 0) assert.ok(multiplierAt(ms - 1, growth) < m, `growth ${growth}: ${m} not yet at ${ms - 1} ms`);
      }
    }
    assert.equal(msUntil(1, 0.06), 0);
    assert.equal(msUntil(0.5, 0.06), 0);
    assert.equal(msUntil(2, Math.log(2)), 1_000);
    assert.equal(msUntil(1.99, 0.06), 11_469, '1000 ln(1.99) / 0.06 = 11468.9');
    assert.equal(msUntil(2, 0.06), 11_553, '1000 ln(2) / 0.06 = 11552.5');
    assert.equal(msUntil(1.985, 0.06), msUntil(1.99, 0.06), 'multipliers between hundredths wait for the next one');
    assert.throws(() => msUntil(2, -1), RangeError);
    assert.throws(() => msUntil(Number.POSITIVE_INFINITY, 0.06), RangeError);
  });
});

describe('verifyCrashRound', () => {
  const chain = crashChain(SEED, 10);
  const real = { hash: roundHash(chain, 3), commitment: roundCommitment(chain, 3), crashPoint: crashPoint(roundHash(chain, 3)) };

  test('a real round verifies', () => {
    assert.deepEqual(verifyCrashRound(real), { ok: true, reason: 'the crash point follows from the round hash, which hashes to the commitment' });
  });

  test('a tampered hash, commitment or crash point does not', () => {
    const tamperedHash = verifyCrashRound({ ...real, hash: roundHash(chain, 4) });
    assert.equal(tamperedHash.ok, false);
    assert.match(tamperedHash.reason, /does not hash to the commitment/);
    assert.equal(verifyCrashRound({ ...real, commitment: roundCommitment(chain, 4) }).ok, false);
    assert.equal(verifyCrashRound({ ...real, hash: 'not hex' }).ok, false);
    const tamperedPoint = verifyCrashRound({ ...real, crashPoint: real.crashPoint + 0.01 });
    assert.equal(tamperedPoint.ok, false);
    assert.match(tamperedPoint.reason, new RegExp(`gives a crash at ${real.crashPoint.toFixed(2)}x`));
  });
});
