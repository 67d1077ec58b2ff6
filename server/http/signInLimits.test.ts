// Sign-in limits and admin device passes with an injected clock, and where the client address comes from.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientAddress, normalizeAddress, PEER_ADDRESS_HEADER } from './clientAddress.ts';
import { ADMIN_PASS_TTL_MS, adminPasses } from './adminPass.ts';
import { ADMIN_FORGET_MS, ADMIN_FREE_FAILURES, ADMIN_MAX_LOCKOUT_SECONDS, adminAddressKey, AdminSignInGuard, GuestSignUpLimit, type AdminClient } from './signInLimits.ts';

function fakeClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

describe('AdminSignInGuard', () => {
  const at = (address: string, pass?: string): AdminClient => ({ address, ...(pass === undefined ? {} : { pass }) });

  test('free failures, then a lockout that doubles, that the right password does not skip', () => {
    const clock = fakeClock();
    const guard = new AdminSignInGuard(1000, clock);
    for (let i = 0; i < ADMIN_FREE_FAILURES; i++) assert.equal(guard.failed(at('a')), undefined);
    assert.equal(guard.check(at('a')), undefined);
    assert.equal(guard.failed(at('a')), 1, 'the first failure past the free ones locks for 1 s');
    assert.equal(guard.check(at('a')), 1, 'locked: the password is not even looked at');
    assert.equal(guard.check(at('b')), undefined, 'another address is not locked');
    clock.t += 1000;
    assert.equal(guard.check(at('a')), undefined);
    assert.equal(guard.failed(at('a')), 2);
    clock.t += 2000;
    assert.equal(guard.failed(at('a')), 4);
    for (let i = 0; i < 30; i++) {
      clock.t += ADMIN_MAX_LOCKOUT_SECONDS * 1000;
      guard.failed(at('a'));
    }
    assert.equal(guard.check(at('a')), ADMIN_MAX_LOCKOUT_SECONDS, 'the lockout is capped');
    clock.t += ADMIN_MAX_LOCKOUT_SECONDS * 1000;
    guard.succeeded(at('a'));
    assert.equal(guard.failed(at('a')), undefined, 'after a success the free failures are back');
  });

  test('over the global budget, addresses that failed wait for the minute; one that has not is still checked, once', () => {
    const clock = fakeClock();
    const guard = new AdminSignInGuard(10, clock);
    for (let i = 0; i < 10; i++) guard.failed(at(`10.0.0.${i}`));
    assert.equal(guard.check(at('10.0.0.1')), 60, 'an address that failed waits for the minute');
    assert.equal(guard.check(at('10.9.9.9')), undefined, 'an address that never failed is checked');
    guard.failed(at('10.9.9.9'));
    assert.equal(guard.check(at('10.9.9.9')), 60, 'having failed, it waits too');
    clock.t += 59_500;
    assert.equal(guard.check(at('10.0.0.1')), 1);
    clock.t += 500;
    assert.equal(guard.check(at('10.0.0.1')), undefined);
    clock.t += ADMIN_FORGET_MS + 1;
    for (let i = 0; i < 10; i++) guard.failed(at(`10.1.0.${i}`));
    assert.equal(guard.check(at('10.0.0.1')), undefined, 'a quiet hour forgets that an address failed');
  });

  test('a guess that spends the minute budget every minute (31 wrong a minute, for 3 minutes): every sign-in of the admin from their own address is served', () => {
    const clock = fakeClock();
    const guard = new AdminSignInGuard(30, clock);
    let served = 0;
    let tried = 0;
    let guessed = 0;
    let refusedGuesses = 0;
    // The stranger's addresses failed once before (so what keeps them out is the budget, not
    // their being new). Then one step a second: at the start of each minute 31 wrong passwords,
    // spread over those addresses; the admin signs in every 5 s.
    for (let i = 0; i < 31; i++) guard.failed(at(`198.51.100.${i}`));
    clock.t += 60_000;
    for (let second = 0; second < 180; second++) {
      if (second % 60 === 0) {
        for (let i = 0; i < 31; i++) {
          const address = `198.51.100.${i}`;
          if (guard.check(at(address)) === undefined) {
            guard.failed(at(address));
            guessed++;
          } else refusedGuesses++;
        }
      }
      if (second % 5 === 4) {
        tried++;
        if (guard.check(at('203.0.113.50')) === undefined) {
          served++;
          guard.succeeded(at('203.0.113.50'));
        }
      }
      clock.t += 1000;
    }
    assert.ok(refusedGuesses > 0, 'the budget was spent');
    assert.equal(tried, 36);
    assert.equal(served, tried, `the admin was served ${served} of ${tried} times`);
  });

  test("a stranger sharing the admin's address keeps that address locked, but not the admin's device pass", () => {
    const clock = fakeClock();
    const guard = new AdminSignInGuard(30, clock);
    const shared = '192.0.2.10';
    // The admin signed in once (and was handed a pass), then the stranger starts from the same address.
    guard.succeeded(at(shared, 'admins-pass'));
    let served = 0;
    let withoutPass = 0;
    let tried = 0;
    let strangerRequests = 0;
    for (let minute = 0; minute < 3 * 60; minute++) {
      // A wrong password whenever the shared address is not locked: once the lockout reaches its
      // cap, one every 15 minutes holds it.
      while (guard.check(at(shared)) === undefined) {
        guard.failed(at(shared));
        strangerRequests++;
      }
      // And the minute's budget spent from addresses of its own, every minute.
      for (let i = 0; i < 31; i++) guard.failed(at(`198.51.${minute}.${i}`));
      if (minute % 5 === 2) {
        tried++;
        if (guard.check(at(shared)) === undefined) withoutPass++;
        if (guard.check(at(shared, 'admins-pass')) === undefined) {
          served++;
          guard.succeeded(at(shared, 'admins-pass'));
        }
      }
      clock.t += 60_000;
    }
    assert.ok(strangerRequests < 30, `${strangerRequests} requests from the shared address`);
    assert.equal(served, tried, `with the pass the admin was served ${served} of ${tried} times`);
    assert.equal(withoutPass, 0, 'without it, the shared address stays locked (the documented limit)');
  });

  test('a pass is judged on its own failures', () => {
    const clock = fakeClock();
    const guard = new AdminSignInGuard(30, clock);
    for (let i = 0; i < ADMIN_FREE_FAILURES; i++) assert.equal(guard.failed(at('a', 'p')), undefined);
    assert.equal(guard.failed(at('a', 'p')), 1, 'past its free failures a pass is locked out like an address');
    assert.equal(guard.check(at('a', 'p')), 1);
    assert.equal(guard.check(at('b', 'p')), 1, 'from any address');
    assert.equal(guard.check(at('a')), undefined, "the address was not charged for the pass' failures");
    assert.equal(guard.check(at('a', 'q')), undefined, 'another pass is not locked');
  });

  test('guessing stays bounded: in an hour, 60 × the minute budget plus one per address that had not failed, plus per pass its own lockouts', () => {
    const clock = fakeClock();
    const perMinute = 30;
    const guard = new AdminSignInGuard(perMinute, clock);
    const addresses = Array.from({ length: 200 }, (_, i) => `198.51.${100 + Math.floor(i / 250)}.${i % 250}`);
    let checked = 0;
    let passChecked = 0;
    // Every address and a stolen pass try every 100 ms for an hour: every request the guard lets
    // through is a guess.
    for (let step = 0; step < 36_000; step++) {
      for (const address of addresses) {
        if (guard.check(at(address)) === undefined) {
          guard.failed(at(address));
          checked++;
        }
      }
      if (guard.check(at('198.51.100.1', 'stolen')) === undefined) {
        guard.failed(at('198.51.100.1', 'stolen'));
        passChecked++;
      }
      clock.t += 100;
    }
    assert.ok(checked <= 60 * perMinute + addresses.length, `${checked} guesses from addresses`);
    assert.ok(checked >= 60 * perMinute, `${checked}: the budget itself was reachable`);
    // 5 free, then 1, 2, 4, ..., 512 s (17 min), then one per 15 minutes.
    assert.ok(passChecked <= ADMIN_FREE_FAILURES + 10 + 3, `${passChecked} guesses with the pass`);
  });

  test('an IPv6 address counts by its /64', () => {
    assert.equal(adminAddressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(adminAddressKey('2001:db8:1:2::9'), '2001:db8:1:2::/64');
    assert.equal(adminAddressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(adminAddressKey('::1'), '0:0:0:0::/64');
    assert.equal(adminAddressKey('203.0.113.9'), '203.0.113.9');
    assert.equal(adminAddressKey('unknown'), 'unknown');
    const guard = new AdminSignInGuard(1000, fakeClock());
    for (let i = 0; i <= ADMIN_FREE_FAILURES; i++) guard.failed(at(`2001:db8:1:2::${i + 1}`));
    assert.equal(guard.check(at('2001:db8:1:2:ffff::1')), 1, 'another address of the /64 is locked with it');
    assert.equal(guard.check(at('2001:db8:1:3::1')), undefined);
  });
});

describe('adminPasses', () => {
  test('a pass verifies until it expires; a tampered one, or one under other secrets, does not', () => {
    const clock = fakeClock();
    const passes = adminPasses('j'.repeat(32), 'admin-password', clock);
    const pass = passes.issue();
    const id = passes.verify(pass);
    assert.ok(id && id.length >= 22, 'a fresh pass verifies to its id');
    assert.notEqual(passes.verify(passes.issue()), id, 'each sign-in gets a pass of its own');
    const [head, expires, mac] = pass.split('.');
    assert.equal(passes.verify(`${head}.${Number(expires) + 1}.${mac}`), undefined, 'a later expiry is not ours');
    assert.equal(passes.verify(`${head!.slice(1)}A.${expires}.${mac}`), undefined);
    assert.equal(passes.verify(''), undefined);
    assert.equal(passes.verify('x'.repeat(10_000)), undefined);
    assert.equal(adminPasses('j'.repeat(32), 'rotated-password', clock).verify(pass), undefined, 'rotating the password ends every pass');
    clock.t += ADMIN_PASS_TTL_MS - 1;
    assert.equal(passes.verify(pass), id);
    clock.t += 1;
    assert.equal(passes.verify(pass), undefined, 'expired');
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
