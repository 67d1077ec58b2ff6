// Commands per client address with an injected clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressLimits } from './addressLimits.ts';

function fakeClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

test('commands per address: the budget of one second, per address, refused ones not counted', () => {
  const clock = fakeClock();
  const limits = new AddressLimits(3, clock);
  assert.deepEqual([limits.take('a'), limits.take('a'), limits.take('a'), limits.take('a'), limits.take('a')], [true, true, true, false, false]);
  assert.equal(limits.take('b'), true, 'another address is not affected');
  clock.t += 999;
  assert.equal(limits.take('a'), false, 'still the same second');
  clock.t += 1;
  assert.deepEqual([limits.take('a'), limits.take('a'), limits.take('a'), limits.take('a')], [true, true, true, false], 'a new second: the whole budget again');
});

test('addresses that went quiet are forgotten', () => {
  const clock = fakeClock();
  const limits = new AddressLimits(3, clock);
  for (let i = 0; i < 100; i++) limits.take(`10.0.0.${i}`);
  assert.equal(limits.size, 100);
  clock.t += 10_000;
  limits.take('10.0.1.1');
  assert.equal(limits.size, 1);
});
