// The idempotency fingerprint: same command → same hash whatever the key order or the id;
// any change of field or type → another hash.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { payloadHash } from './payloadHash.ts';

describe('payloadHash', () => {
  test('key order does not matter, also in nested objects', () => {
    assert.equal(payloadHash('game.rps', { id: 'a', bet: 5, hand: 'rock' }), payloadHash('game.rps', { hand: 'rock', bet: 5, id: 'a' }));
    assert.equal(payloadHash('x', { id: 'a', o: { p: 1, q: [1, { r: 2, s: 3 }] } }), payloadHash('x', { o: { q: [1, { s: 3, r: 2 }], p: 1 }, id: 'a' }));
  });

  test('the id is not part of the fingerprint', () => {
    assert.equal(payloadHash('game.rps', { id: 'first-id-1', bet: 5, hand: 'rock' }), payloadHash('game.rps', { id: 'other-id-2', bet: 5, hand: 'rock' }));
    assert.equal(payloadHash('streak.claim', { id: 'first-id-1' }), payloadHash('streak.claim', {}));
  });

  test('a different field value, a missing field or an extra field changes the hash', () => {
    const base = payloadHash('game.rps', { id: 'a', bet: 5, hand: 'rock' });
    assert.notEqual(payloadHash('game.rps', { id: 'a', bet: 6, hand: 'rock' }), base);
    assert.notEqual(payloadHash('game.rps', { id: 'a', bet: 5, hand: 'paper' }), base);
    assert.notEqual(payloadHash('game.rps', { id: 'a', bet: 5 }), base);
    assert.notEqual(payloadHash('game.rps', { id: 'a', bet: 5, hand: 'rock', x: 1 }), base);
    assert.notEqual(payloadHash('game.rps', { id: 'a', bet: '5', hand: 'rock' }), base, 'the type of a value counts');
    assert.notEqual(payloadHash('x', { o: [1, 2] }), payloadHash('x', { o: [2, 1] }), 'array order counts');
  });

  test('the same fields under another command type hash differently', () => {
    assert.notEqual(payloadHash('game.rps', { id: 'a', bet: 5 }), payloadHash('game.slot', { id: 'a', bet: 5 }));
  });

  test('the hash is a stable base64url sha256', () => {
    const hash = payloadHash('game.rps', { id: 'a', bet: 5, hand: 'rock' });
    assert.match(hash, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(payloadHash('game.rps', { id: 'a', bet: 5, hand: 'rock' }), hash);
  });
});
