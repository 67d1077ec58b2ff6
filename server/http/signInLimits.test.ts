// Sign-in limits with an injected clock, and where the client address comes from.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientAddress, normalizeAddress, PEER_ADDRESS_HEADER } from './clientAddress.ts';
import { ADMIN_FREE_FAILURES, ADMIN_MAX_LOCKOUT_SECONDS, AdminSignInGuard, GuestSignUpLimit } from './signInLimits.ts';

function fakeClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

describe('AdminSignInGuard', () => {
  test('free failures, then a lockout that doubles, that the right password does not skip', () => {
    const clock = fakeClock();
    const guard = new AdminSignInGuard(1000, clock);
    for (let i = 0; i < ADMIN_FREE_FAILURES; i++) assert.equal(guard.failed('a'), undefined);
    assert.equal(guard.check('a'), undefined);
    assert.equal(guard.failed('a'), 1, 'the first failure past the free ones locks for 1 s');
    assert.equal(guard.check('a'), 1, 'locked: the password is not even looked at');
    assert.equal(guard.check('b'), undefined, 'another address is not locked');
    clock.t += 1000;
    assert.equal(guard.check('a'), undefined);
    assert.equal(guard.failed('a'), 2);
    clock.t += 2000;
    assert.equal(guard.failed('a'), 4);
    for (let i = 0; i < 30; i++) {
      clock.t += ADMIN_MAX_LOCKOUT_SECONDS * 1000;
      guard.failed('a');
    }
    assert.equal(guard.check('a'), ADMIN_MAX_LOCKOUT_SECONDS, 'the lockout is capped');
    clock.t += ADMIN_MAX_LOCKOUT_SECONDS * 1000;
    guard.succeeded('a');
    assert.equal(guard.failed('a'), undefined, 'after a success the free failures are back');
  });

  test('over the global budget every address is refused until the minute is over', () => {
    const clock = fakeClock();
    const guard = new AdminSignInGuard(10, clock);
    for (let i = 0; i < 10; i++) guard.failed(`10.0.0.${i}`);
    assert.equal(guard.check('10.9.9.9'), 60);
    clock.t += 59_500;
    assert.equal(guard.check('10.9.9.9'), 1);
    clock.t += 500;
    assert.equal(guard.check('10.9.9.9'), undefined);
  });
});

describe('GuestSignUpLimit', () => {
  test('a bucket per address, refilled evenly over the hour', () => {
    const clock = fakeClock();
    const limit = new GuestSignUpLimit(20, clock);
    for (let i = 0; i < 20; i++) assert.equal(limit.take('a'), undefined);
    assert.equal(limit.take('a'), 180, 'the next token comes in 3,600 s / 20');
    assert.equal(limit.take('b'), undefined);
    clock.t += 180_000;
    assert.equal(limit.take('a'), undefined);
    assert.equal(limit.take('a'), 180);
  });
});

describe('clientAddress', () => {
  const headers = (peer: string, forwarded?: string) => new Headers({ [PEER_ADDRESS_HEADER]: peer, ...(forwarded ? { 'x-forwarded-for': forwarded } : {}) });

  test('the socket address, whatever X-Forwarded-For says, unless the peer is a trusted proxy', () => {
    assert.equal(clientAddress(headers('198.51.100.7', '203.0.113.9'), new Set()), '198.51.100.7');
    assert.equal(clientAddress(headers('10.0.0.2', '203.0.113.9'), new Set(['10.0.0.2'])), '203.0.113.9');
    // A client-written hop before the proxy's is not believed: the right-most untrusted hop is.
    assert.equal(clientAddress(headers('10.0.0.2', '1.2.3.4, 203.0.113.9'), new Set(['10.0.0.2'])), '203.0.113.9');
    assert.equal(clientAddress(headers('10.0.0.2', '203.0.113.9, 10.0.0.3'), new Set(['10.0.0.2', '10.0.0.3'])), '203.0.113.9');
    assert.equal(clientAddress(headers('10.0.0.2'), new Set(['10.0.0.2'])), '10.0.0.2');
    assert.equal(clientAddress(new Headers(), new Set()), 'unknown');
  });

  test('IPv4-mapped and long IPv6 forms are one address', () => {
    assert.equal(normalizeAddress('0000:0000:0000:0000:0000:ffff:7f00:0001'), '127.0.0.1');
    assert.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(normalizeAddress('0000:0000:0000:0000:0000:0000:0000:0001'), '::1');
    assert.equal(normalizeAddress('[2001:DB8::1]'), '2001:db8::1');
  });
});
