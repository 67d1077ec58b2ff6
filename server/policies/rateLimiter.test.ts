// The per-client message budget with an injected clock: no timers, no sleeps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateLimiter, type RateVerdict } from './rateLimiter.ts';

function fakeClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

function take(limiter: RateLimiter, n: number): RateVerdict[] {
  return Array.from({ length: n }, () => limiter.take());
}

describe('RateLimiter', () => {
  test('answers ok up to the budget, then limited, then close past 4x the budget', () => {
    const limiter = new RateLimiter(5, fakeClock());
    assert.deepEqual(take(limiter, 5), Array(5).fill('ok'));
    assert.deepEqual(take(limiter, 15), Array(15).fill('limited'), 'messages 6..20 are over budget');
    assert.equal(limiter.take(), 'close', 'message 21 is past 4 x 5');
    assert.equal(limiter.take(), 'close');
  });

  test('closeAfter is configurable', () => {
    const limiter = new RateLimiter(2, fakeClock(), 2);
    assert.deepEqual(take(limiter, 5), ['ok', 'ok', 'limited', 'limited', 'close']);
  });

  test('the window resets 1000 ms after it started, not before', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(3, clock);
    assert.deepEqual(take(limiter, 4), ['ok', 'ok', 'ok', 'limited']);
    clock.t += 999;
    assert.equal(limiter.take(), 'limited', 'still the same window at +999 ms');
    clock.t += 1;
    assert.deepEqual(take(limiter, 4), ['ok', 'ok', 'ok', 'limited'], 'a fresh budget at +1000 ms');
  });

  test('a client that was about to be closed gets a full budget in the next window', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(1, clock);
    assert.deepEqual(take(limiter, 5), ['ok', 'limited', 'limited', 'limited', 'close']);
    clock.t += 1000;
    assert.equal(limiter.take(), 'ok');
  });

  test('the first message is ok even when the clock starts at 0', () => {
    const limiter = new RateLimiter(1, fakeClock(0));
    assert.equal(limiter.take(), 'ok');
    assert.equal(limiter.take(), 'limited');
  });
});
