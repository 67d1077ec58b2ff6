import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { outcomeFloats, seedHash } from './fair.ts';

const SERVER_SEED = 'b9f3c1e2a4d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f';

test('seedHash is the hex SHA-256 of the seed (checked against node:crypto)', () => {
  assert.equal(seedHash(SERVER_SEED), createHash('sha256').update(SERVER_SEED).digest('hex'));
});

test('floats are big-endian uint32 words of HMAC-SHA256(serverSeed, "clientSeed:nonce:round") / 2^32', () => {
  const mac = createHmac('sha256', SERVER_SEED).update('alice:7:0').digest();
  const expected = [0, 4, 8].map((i) => mac.readUInt32BE(i) / 2 ** 32);
  assert.deepEqual(outcomeFloats(SERVER_SEED, 'alice', 7, 3), expected);
  const next = createHmac('sha256', SERVER_SEED).update('alice:7:1').digest();
  assert.equal(outcomeFloats(SERVER_SEED, 'alice', 7, 9)[8], next.readUInt32BE(0) / 2 ** 32, 'the ninth float comes from round 1');
});
